# The packages build.ps1 -Task Package writes to artifacts/, installed as a user would install them, into a
# home folder of the test's own so that nothing of the real user's is touched.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Version = Get-ProjectVersion
    $script:ModulePackage = Join-Path $ArtifactsPath "TileCompile.$Version.nupkg"
    $script:ToolPackage = Join-Path $ArtifactsPath "TileCompile.Cli.$Version.nupkg"
    $script:UserHome = Join-Path $TestDrive 'home'
    # A new user session: HOME decides the CurrentUser module folder and PSResourceGet's settings. The folders
    # must exist: .NET reports a special folder that does not as empty, and PSResourceGet would then write its
    # settings into the current directory.
    $script:UserEnv = @{ HOME = $UserHome; XDG_DATA_HOME = (Join-Path $UserHome '.local/share'); XDG_CONFIG_HOME = (Join-Path $UserHome '.config'); XDG_CACHE_HOME = (Join-Path $UserHome '.cache') }
    foreach ($dir in $UserEnv.Values) { New-Item -ItemType Directory -Force -Path $dir | Out-Null }
}

Describe 'The module package' {
    It 'is in artifacts/ under the manifest version, with the manifest, the licence, the binaries and the help' {
        $ModulePackage | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($ModulePackage)
        try {
            $names = $zip.Entries.FullName
            foreach ($file in 'TileCompile.psd1', 'LICENSE', 'module/bin/TileCompile.PowerShell.dll', 'module/bin/deps/TileCompile.Engine.dll',
                'module/TileCompile.format.ps1xml', 'en-US/TileCompile.PowerShell.dll-Help.xml', 'en-US/about_TileCompile.help.txt') {
                $names | Should -Contain $file
            }
            $reader = [System.IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'TileCompile.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd()
            $reader.Dispose()
            $nuspec.package.metadata.version | Should -Be $Version
            $nuspec.package.metadata.projectUrl | Should -Match '^https://'
            $nuspec.package.metadata.tags | Should -Match 'PSModule'
        }
        finally { $zip.Dispose() }
    }

    # The CurrentUser module folder follows HOME on Linux and macOS; on Windows it is the Documents folder.
    It 'installs with Install-PSResource for the current user, and a new pwsh autoloads it and runs the help''s thread-job example' -Skip:$IsWindows {
        $install = Invoke-FreshPwsh -Environment $UserEnv @"
Register-PSResourceRepository -Name TileCompileTest -Uri '$ArtifactsPath' -Trusted
Install-PSResource -Name TileCompile -Version $Version -Repository TileCompileTest -Scope CurrentUser -TrustRepository
"@
        $install.ExitCode | Should -Be 0 -Because $install.Error
        Join-Path $UserHome '.local/share/PSResourceGet/PSResourceRepository.xml' | Should -Exist
        $autoload = Invoke-FreshPwsh -Environment $UserEnv @'
$ProgressPreference = 'SilentlyContinue'
$cmd = Get-Command Start-TileRun -ErrorAction Stop
"module: $($cmd.Module.Version) $($cmd.Module.ModuleBase)"
New-TileSampleData ~/lights -Frames 10 -Width 256 -Height 192 -Seed 5 | Out-Null
$job = Start-ThreadJob { Start-TileRun ~/lights -RunsRoot ~/runs }
$job | Wait-Job -Timeout 300 | Out-Null
"job: $($job.State)"
Get-TileRun -RunsRoot ~/runs | ForEach-Object { "run: $($_.Status) $($_.OutputPath)" }
'@
        $autoload.ExitCode | Should -Be 0 -Because $autoload.Error
        $autoload.Output | Should -Match ([regex]::Escape("module: $Version $UserHome/.local/share/powershell/Modules/TileCompile/$Version"))
        $autoload.Output | Should -Match 'job: Completed'
        $autoload.Output | Should -Match 'run: Completed .*stacked\.fit'
    }
}

Describe 'The command-line tool package' {
    BeforeAll {
        $script:ToolDir = Join-Path $TestDrive 'tools'
        $install = & dotnet tool install --tool-path $ToolDir --add-source $ArtifactsPath TileCompile.Cli --version $Version 2>&1
        if ($LASTEXITCODE -ne 0) { throw "dotnet tool install failed: $install" }
        $script:ToolEnv = @{ PATH = "$ToolDir$([System.IO.Path]::PathSeparator)$env:PATH" }
    }

    It 'installs as tile-compile, which prints the version' {
        $ToolPackage | Should -Exist
        $r = Invoke-FreshPwsh -Environment $ToolEnv 'tile-compile --version'
        $r.Output.Trim() | Should -Be $Version
    }

    It 'names the command the user has when it says how to resume' {
        $frames = New-TestFrames (Join-Path $TestDrive 'cli-frames')
        $config = New-FailingConfig (Join-Path $TestDrive 'cli-bad.yaml')
        $runs = Join-Path $TestDrive 'cli-runs'
        $r = Invoke-FreshPwsh -Environment $ToolEnv "tile-compile run --input-dir '$frames' --runs-dir '$runs' --run-id broken --config '$config'; tile-compile status '$runs/broken'"
        $r.Error | Should -Match ([regex]::Escape("Resume it with: tile-compile resume --run-dir $runs/broken"))
        $r.Output | Should -Match ([regex]::Escape("Resume:   tile-compile resume --run-dir $runs/broken"))
    }
}
