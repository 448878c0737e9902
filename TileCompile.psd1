@{
    RootModule           = 'module/bin/TileCompile.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '06a5c7eb-bc22-4b49-869b-5c77e963a61b'
    Author               = 'TileCompile.PowerShell contributors'
    CompanyName          = 'TileCompile.PowerShell'
    Copyright            = '(c) 2026 TileCompile.PowerShell contributors. MIT licence.'
    Description          = 'Resumable astronomical stacking with Tile-Based Quality Reconstruction (TBQR): register, weight globally and per tile, reconstruct seam-free and stack FITS light frames, with runs that survive crashes and resume from any phase.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/TileCompile.format.ps1xml')
    TypesToProcess       = @('module/TileCompile.types.ps1xml')
    CmdletsToExport      = @(
        'Start-TileRun'
        'Resume-TileRun'
        'Get-TileRun'
        'Get-TileRunEvent'
        'Stop-TileRun'
        'Remove-TileRun'
        'New-TileRunConfig'
        'Test-TileRunConfig'
        'Test-TileRun'
        'New-TileSampleData'
        'New-TileMaster'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('astronomy', 'astrophotography', 'FITS', 'stacking', 'TBQR', 'Seestar', 'Dwarf', 'calibration', 'drizzle', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/TileCompile/TileCompile.PowerShell'
            LicenseUri   = 'https://github.com/TileCompile/TileCompile.PowerShell/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0: first release. Resumable runs (frozen config, append-only event log, verified per-phase artifacts,
resume from any phase with bit-identical results); TBQR stacking of mono and colour (every Bayer layout,
debayered at full resolution, optional Bayer drizzle); calibration with bias, darks, flats and flat-darks and a
master library; cmdlets Start-TileRun, Resume-TileRun, Get-TileRun, Get-TileRunEvent, Stop-TileRun,
Remove-TileRun, New-TileRunConfig, Test-TileRunConfig, New-TileSampleData and New-TileMaster.
'@
        }
    }
}
