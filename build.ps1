#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests or packages the TileCompile module.
.DESCRIPTION
    Build: compiles the solution; the module is then importable from the repository root.
    Test: runs every test (the same command as CI).
    Package: stages a release module folder under out/TileCompile/<version>/ that Import-Module and
    Install-PSResource can use.
.EXAMPLE
    ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Dotnet {
    dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

switch ($Task) {
    'Build' {
        Invoke-Dotnet build TileCompile.PowerShell.sln -c $Configuration
    }
    'Test' {
        Invoke-Dotnet test TileCompile.PowerShell.sln -c $Configuration
    }
    'Package' {
        Invoke-Dotnet build TileCompile.PowerShell.sln -c $Configuration
        $version = (Import-PowerShellDataFile ./TileCompile.psd1).ModuleVersion
        $stage = Join-Path $PSScriptRoot "out/TileCompile/$version"
        if (Test-Path $stage) { Remove-Item $stage -Recurse -Force }
        New-Item -ItemType Directory -Path $stage | Out-Null
        Copy-Item ./TileCompile.psd1 $stage
        Copy-Item ./module $stage -Recurse
        Copy-Item ./en-US $stage -Recurse
        Test-ModuleManifest (Join-Path $stage 'TileCompile.psd1') | Out-Null
        Write-Host "Module staged in $stage"
    }
}
