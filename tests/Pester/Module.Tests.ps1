BeforeDiscovery {
    $script:CmdletNames = @(
        'Get-TileRun', 'Get-TileRunEvent', 'New-TileMaster', 'New-TileRunConfig', 'New-TileSampleData',
        'Remove-TileRun', 'Resume-TileRun', 'Start-TileRun', 'Stop-TileRun', 'Test-TileRun', 'Test-TileRunConfig')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest with a project and a licence address' {
        $info = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $info.Name | Should -Be 'TileCompile'
        $info.PowerShellVersion | Should -Be ([version]'7.4')
        $info.ProjectUri | Should -Not -BeNullOrEmpty
        $info.ProjectUri.IsAbsoluteUri | Should -BeTrue
        $info.LicenseUri | Should -Not -BeNullOrEmpty
        $info.LicenseUri.AbsoluteUri | Should -BeLike '*LICENSE'
    }

    It 'names the MIT licence that ships beside it' {
        $license = Join-Path $RepoRoot 'LICENSE'
        $license | Should -Exist
        Get-Content -Raw $license | Should -Match '^MIT License'
    }

    It 'has tags and release notes for the gallery' {
        $data = (Import-PowerShellDataFile $ManifestPath).PrivateData.PSData
        $data.Tags | Should -Contain 'astrophotography'
        $data.Tags | Should -Contain 'FITS'
        $data.ReleaseNotes | Should -Match (Get-ProjectVersion)
    }

    It 'carries the version of Directory.Build.props, as the assemblies do' {
        $version = Get-ProjectVersion
        (Test-ModuleManifest -Path $ManifestPath).Version.ToString() | Should -Be $version
        $dll = Join-Path $RepoRoot 'module/bin/TileCompile.PowerShell.dll'
        [System.Diagnostics.FileVersionInfo]::GetVersionInfo($dll).ProductVersion | Should -BeLike "$version*"
        (Get-Module TileCompile).Version.ToString() | Should -Be $version
    }

    It 'exports exactly the cmdlets it declares' {
        $exported = (Get-Module TileCompile).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($CmdletNames | Sort-Object)
    }
}

Describe 'Help for <_>' -ForEach $CmdletNames {
    BeforeAll {
        $help = Get-Help $_ -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+ \[' # not the bare syntax PowerShell makes when help is missing
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has examples with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($example in $examples) {
            $example.code | Should -Match $_
            ($example.remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $names = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($name in $names) {
            $parameter = $help.parameters.parameter | Where-Object name -eq $name
            $parameter | Should -Not -BeNullOrEmpty -Because "-$name should be in the help"
            ($parameter.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name should be described"
        }
    }
}

Describe 'Conceptual help' {
    It 'finds about_TileCompile next to the manifest' {
        $text = Get-Help about_TileCompile | Out-String
        $text | Should -Match 'Tile-Based Quality Reconstruction'
        $text | Should -Match 'Resume-TileRun'
    }

    It 'shows the comment-based help of build.ps1 with its tasks and examples' {
        $help = Get-Help (Join-Path $RepoRoot 'build.ps1') -Full
        $help.Synopsis | Should -Match 'Builds, tests, packages'
        $text = $help | Out-String
        foreach ($task in 'Build', 'Test', 'Package', 'Install') { $text | Should -Match "(?m)^\s+$task\s" }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 3
        ($help.parameters.parameter | Where-Object name -eq 'Task') | Should -Not -BeNullOrEmpty
    }
}
