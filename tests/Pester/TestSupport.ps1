# Shared by the Pester suite: dot-source it in BeforeAll. It imports the module as built in this repository
# (Import-Module ./TileCompile.psd1 after ./build.ps1) and gives the helpers the tests have in common.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ManifestPath = Join-Path $script:RepoRoot 'TileCompile.psd1'
$script:ArtifactsPath = Join-Path $script:RepoRoot 'artifacts'
Import-Module $script:ManifestPath -Force -ErrorAction Stop

function Get-ProjectVersion {
    $xml = [xml](Get-Content -Raw (Join-Path $script:RepoRoot 'Directory.Build.props'))
    $xml.SelectSingleNode('/Project/PropertyGroup/Version').InnerText.Trim()
}

# A small synthetic night that registers and stacks in about a second.
function New-TestFrames([string] $Path, [int] $Frames = 10, [int] $Width = 256, [int] $Height = 192, [int] $Seed = 5) {
    New-TileSampleData -Path $Path -Frames $Frames -Width $Width -Height $Height -Seed $Seed | Out-Null
    $Path
}

# A configuration whose registration fails: the reference frame it names is not among the inputs.
function New-FailingConfig([string] $Path) {
    Set-Content -Path $Path -Value "registration:`n  reference_frame: missing.fit"
    $Path
}

function Get-Sha256([string] $Path) { (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash }

# Waits until the run's event log holds an event the filter accepts; the run directory may not exist yet.
function Wait-RunEvent([string] $RunDir, [scriptblock] $Filter, [double] $TimeoutSeconds = 60) {
    $log = Join-Path $RunDir 'logs/run_events.jsonl'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (Test-Path $log) {
            foreach ($line in [System.IO.File]::ReadAllLines($log)) {
                if (-not $line) { continue }
                $e = $line | ConvertFrom-Json
                if (& $Filter $e) { return $e }
            }
        }
        Start-Sleep -Milliseconds 25
    }
    throw "no matching event in $log within $TimeoutSeconds s"
}

# The pwsh running this suite, as a command a child process can be started with.
function Get-PwshCommand {
    foreach ($name in 'pwsh', 'pwsh.exe') {
        $exe = Join-Path $PSHOME $name
        if (Test-Path $exe -PathType Leaf) { return , @($exe) }
    }
    return , @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
}

# Runs a script in a new pwsh -NoProfile process with extra environment variables; returns its output lines and
# exit code. The child does not inherit this session's imported modules.
# With -Interactive the child may prompt; -InputText is what the user types.
function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}, [string] $InputText, [switch] $Interactive) {
    $cmd = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($cmd[0])
    foreach ($a in @($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    $psi.ArgumentList.Add('-NoProfile')
    if (-not $Interactive) { $psi.ArgumentList.Add('-NonInteractive') }
    $psi.ArgumentList.Add('-Command')
    $psi.ArgumentList.Add($Script)
    # Started in the test's own folder, so that nothing a child writes by accident lands in the repository.
    $psi.WorkingDirectory = if (Get-Variable TestDrive -ErrorAction SilentlyContinue) { $TestDrive } else { [System.IO.Path]::GetTempPath() }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    # The child finds modules as a new user session would: its own defaults, not the PSModulePath of this one.
    $psi.Environment.Remove('PSModulePath') | Out-Null
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    if ($InputText) { $p.StandardInput.Write($InputText) }
    $p.StandardInput.Close()
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw "pwsh did not finish in 5 minutes: $Script" }
    [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
}

# Starts a script in a new pwsh process and returns the process without waiting for it.
function Start-FreshPwsh([string] $Script) {
    $cmd = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($cmd[0])
    foreach ($a in @($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Script) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.WorkingDirectory = if (Get-Variable TestDrive -ErrorAction SilentlyContinue) { $TestDrive } else { [System.IO.Path]::GetTempPath() }
    [System.Diagnostics.Process]::Start($psi)
}
