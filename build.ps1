<#
.SYNOPSIS
    Builds, tests, packages and installs the TileCompile module and the tile-compile command line.

.DESCRIPTION
    One entry point for everything a contributor or a release needs. Each task runs the tasks it depends on.

    Build    Compiles the solution. The module is then importable from the repository root
             (Import-Module ./TileCompile.psd1). The version in Directory.Build.props is stamped into the
             manifest first, so the assemblies, the manifest and both packages always carry the same version.
    Test     Build, then the xunit suites (dotnet test), then Package (the Pester suite installs the package it
             makes), then the Pester suite (tests/Pester) in a fresh pwsh process against the module as built.
             Pester comes from NuGet: tools/TestTools restores it into the NuGet cache and it is imported by path.
             Ends with one line "tests: N passed, M failed" and fails when a test fails or none ran.
    Package  Build, then stages the module under artifacts/stage/TileCompile, checks it with
             Test-ModuleManifest and publishes it with Publish-PSResource into the local file repository
             artifacts/ (artifacts/TileCompile.<version>.nupkg, fit for the PowerShell Gallery). Also packs the
             command line as a .NET tool (artifacts/TileCompile.Cli.<version>.nupkg).
    Install  Package, then Install-PSResource from artifacts/ into the current user's scope, then checks in a new
             pwsh -NoProfile that the module autoloads (Get-Command Start-TileRun with no Import-Module).
             The command line installs with: dotnet tool install --global --add-source ./artifacts TileCompile.Cli

    The local repository is registered for the duration of a task only (as TileCompileLocal) and unregistered
    afterwards, so the user's PSResourceGet settings are left as they were.

.PARAMETER Task
    Build (default), Test, Package or Install.

.PARAMETER Configuration
    Release (default) or Debug.

.PARAMETER Version
    Sets the version before the task runs: it is written to Directory.Build.props, the one place the version
    lives, and from there stamped into the manifest, the assemblies and the packages.

.EXAMPLE
    ./build.ps1
    Builds the solution; Import-Module ./TileCompile.psd1 then loads the module from the repository.

.EXAMPLE
    ./build.ps1 -Task Test
    Runs every test: xunit for the engine and the cmdlets, then the Pester suite in a fresh pwsh.

.EXAMPLE
    ./build.ps1 -Task Install; pwsh -NoProfile -Command 'Get-Command Start-TileRun'
    Installs the module for the current user; a new session finds its cmdlets without Import-Module.

.EXAMPLE
    ./build.ps1 -Task Package -Version 0.2.0
    Makes artifacts/TileCompile.0.2.0.nupkg and artifacts/TileCompile.Cli.0.2.0.nupkg.

.NOTES
    On a machine with only the .NET SDK: dotnet tool restore (PowerShell 7.6.9 from the repository's tool
    manifest), then dotnet pwsh ./build.ps1 -Task Test.
#>
#requires -Version 7.4
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Install')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [ValidatePattern('^\d+\.\d+\.\d+$')]
    [string] $Version
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Artifacts = Join-Path $Root 'artifacts'
$Props = Join-Path $Root 'Directory.Build.props'
$Manifest = Join-Path $Root 'TileCompile.psd1'
$RepositoryName = 'TileCompileLocal'
$PesterVersion = '5.7.1'

# Output goes to the host, so that a function calling this returns only what it means to return.
function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

# Runs dotnet, echoing its output as it comes, and returns the lines for the caller to read.
function Invoke-DotnetCapture {
    $lines = [System.Collections.Generic.List[string]]::new()
    & dotnet @args 2>&1 | ForEach-Object { $line = "$_"; $lines.Add($line); Write-Host $line }
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = $lines }
}

# The pwsh that runs this script, as a command a child process can start (the .NET tool has no apphost).
function Get-PwshCommand {
    foreach ($name in 'pwsh', 'pwsh.exe') {
        $exe = Join-Path $PSHOME $name
        if (Test-Path $exe -PathType Leaf) { return , @($exe) }
    }
    return , @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
}

function Get-ProjectVersion {
    $xml = [xml](Get-Content -Raw $Props)
    $node = $xml.SelectSingleNode('/Project/PropertyGroup/Version')
    if (-not $node) { throw "$Props has no <Version> property; it is where the version lives." }
    $node.InnerText.Trim()
}

function Set-ProjectVersion([string] $value) {
    $text = Get-Content -Raw $Props
    $text = [regex]::Replace($text, '<Version>[^<]*</Version>', "<Version>$value</Version>")
    Set-Content -Path $Props -Value $text -NoNewline
}

# The manifest's ModuleVersion follows Directory.Build.props; the file is rewritten only when they differ.
function Sync-ManifestVersion([string] $value) {
    $text = Get-Content -Raw $Manifest
    $stamped = [regex]::Replace($text, "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$value'")
    if ($stamped -ne $text) {
        Set-Content -Path $Manifest -Value $stamped -NoNewline
        Write-Host "Stamped ModuleVersion $value into TileCompile.psd1"
    }
}

function Invoke-Build {
    if ($Version) { Set-ProjectVersion $Version }
    Sync-ManifestVersion (Get-ProjectVersion)
    Invoke-Dotnet build (Join-Path $Root 'TileCompile.PowerShell.sln') -c $Configuration
}

function Get-PesterPath {
    Invoke-Dotnet restore (Join-Path $Root 'tools/TestTools/TestTools.csproj') --verbosity quiet
    $cache = $env:NUGET_PACKAGES
    if (-not $cache) {
        $line = & dotnet nuget locals global-packages --list
        $cache = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $path = Join-Path $cache "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) { throw "Pester $PesterVersion was restored but $path is missing." }
    $path
}

function Invoke-XunitTests {
    $result = Invoke-DotnetCapture test (Join-Path $Root 'TileCompile.PowerShell.sln') -c $Configuration --no-build
    $passed = 0; $failed = 0
    foreach ($line in $result.Lines) {
        if ($line -match 'Failed:\s+(\d+),\s+Passed:\s+(\d+)') { $failed += [int]$Matches[1]; $passed += [int]$Matches[2] }
    }
    if ($result.ExitCode -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-PesterTests {
    $pester = Get-PesterPath
    $summary = Join-Path ([System.IO.Path]::GetTempPath()) "tilecompile-pester-$PID.json"
    $results = Join-Path $Artifacts 'test-results'
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    # A fresh process: the suite sees the module as a user's new session would, not this script's state.
    $script = @'
param($PesterPath, $TestsPath, $SummaryPath, $ResultPath)
Import-Module $PesterPath -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = $ResultPath
$run = Invoke-Pester -Configuration $config
@{ passed = $run.PassedCount; failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount } |
    ConvertTo-Json | Set-Content $SummaryPath
'@
    $scriptFile = Join-Path ([System.IO.Path]::GetTempPath()) "tilecompile-pester-$PID.ps1"
    Set-Content -Path $scriptFile -Value $script
    try {
        $pwsh = Get-PwshCommand
        $exe = $pwsh[0]
        $pre = @($pwsh | Select-Object -Skip 1)
        & $exe @pre -NoProfile -NonInteractive -File $scriptFile $pester (Join-Path $Root 'tests/Pester') $summary (Join-Path $results 'pester.xml') | Out-Host
        if (-not (Test-Path $summary)) { throw 'The Pester run ended without a result.' }
        $counts = Get-Content -Raw $summary | ConvertFrom-Json
        [pscustomobject]@{ Passed = [int]$counts.passed; Failed = [int]$counts.failed }
    }
    finally {
        Remove-Item $summary, $scriptFile -ErrorAction SilentlyContinue
    }
}

function Use-LocalRepository([scriptblock] $action) {
    New-Item -ItemType Directory -Force -Path $Artifacts | Out-Null
    if (Get-PSResourceRepository -Name $RepositoryName -ErrorAction SilentlyContinue) {
        Unregister-PSResourceRepository -Name $RepositoryName
    }
    Register-PSResourceRepository -Name $RepositoryName -Uri $Artifacts -Trusted
    try { & $action }
    finally { Unregister-PSResourceRepository -Name $RepositoryName }
}

function Invoke-Package {
    $moduleVersion = Get-ProjectVersion
    $stage = Join-Path $Artifacts 'stage/TileCompile'
    if (Test-Path $stage) { Remove-Item $stage -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $stage | Out-Null
    Copy-Item $Manifest, (Join-Path $Root 'LICENSE') $stage
    Copy-Item (Join-Path $Root 'module') $stage -Recurse
    Copy-Item (Join-Path $Root 'en-US') $stage -Recurse
    $info = Test-ModuleManifest (Join-Path $stage 'TileCompile.psd1')
    if ("$($info.Version)" -ne $moduleVersion) { throw "The staged manifest says $($info.Version), Directory.Build.props $moduleVersion." }

    $nupkg = Join-Path $Artifacts "TileCompile.$moduleVersion.nupkg"
    Remove-Item $nupkg -ErrorAction SilentlyContinue
    Use-LocalRepository { Publish-PSResource -Path $stage -Repository $RepositoryName | Out-Host }
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource did not write $nupkg." }
    Write-Host "Module package: $nupkg"

    $tool = Join-Path $Artifacts "TileCompile.Cli.$moduleVersion.nupkg"
    Remove-Item $tool -ErrorAction SilentlyContinue
    Invoke-Dotnet pack (Join-Path $Root 'src/TileCompile.Cli/TileCompile.Cli.csproj') -c $Configuration --no-build -o $Artifacts
    Write-Host "Command-line tool package: $tool"
}

function Invoke-Install {
    $moduleVersion = Get-ProjectVersion
    Use-LocalRepository {
        Install-PSResource -Name TileCompile -Version $moduleVersion -Repository $RepositoryName -Scope CurrentUser -TrustRepository -Reinstall
    }
    $pwsh = Get-PwshCommand
    $exe = $pwsh[0]
    $pre = @($pwsh | Select-Object -Skip 1)
    $found = & $exe @pre -NoProfile -NonInteractive -Command '(Get-Command Start-TileRun -ErrorAction Stop).Module | ForEach-Object { "$($_.Name) $($_.Version) $($_.ModuleBase)" }'
    if ($LASTEXITCODE -ne 0 -or -not $found) { throw 'A new pwsh session does not find Start-TileRun after the install.' }
    Write-Host "Installed; a new session autoloads $found"
    Write-Host 'The command line: dotnet tool install --global --add-source ./artifacts TileCompile.Cli'
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Package' { Invoke-Build; Invoke-Package }
        'Install' { Invoke-Build; Invoke-Package; Invoke-Install }
        'Test' {
            Invoke-Build
            $xunit = Invoke-XunitTests
            Invoke-Package
            $pester = Invoke-PesterTests
            $passed = $xunit.Passed + $pester.Passed
            $failed = $xunit.Failed + $pester.Failed
            Write-Host "tests: $passed passed, $failed failed ($($xunit.Passed) xunit, $($pester.Passed) Pester passed)"
            if ($failed -gt 0) { throw "$failed test(s) failed." }
            if ($xunit.Passed -eq 0 -or $pester.Passed -eq 0) { throw 'No tests ran in one of the suites.' }
        }
    }
}
finally {
    Pop-Location
}
