BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Frames = New-TestFrames (Join-Path $TestDrive 'frames')
    $script:BadConfig = New-FailingConfig (Join-Path $TestDrive 'bad-reference.yaml')
    $ProgressPreference = 'SilentlyContinue'

    function New-CompletedRun([string] $Root, [string] $Id) {
        Start-TileRun $Frames -RunsRoot $Root -RunId $Id | Out-Null
        Join-Path $Root $Id
    }
}

Describe 'Start-TileRun' {
    It 'streams typed events and passes the finished run through' {
        $root = Join-Path $TestDrive 'start'
        $out = Start-TileRun $Frames -RunsRoot $root -RunId r1 -PassThru
        $out[0].GetType().Name | Should -Be 'TileRunStartEvent'
        @($out | Where-Object { $_.GetType().Name -eq 'TilePhaseEndEvent' }).Count | Should -Be 11
        $run = $out[-1]
        $run.GetType().FullName | Should -Be 'TileCompile.PowerShell.TileRun'
        $run.Status | Should -Be 'Completed'
        $run.OutputPath | Should -Exist
        $run.IsResumable | Should -BeFalse
    }

    It 'reports progress records with the phase and a per-frame child bar' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $ManifestPath).AddStatement()
            $null = $ps.AddCommand('Start-TileRun').AddParameter('InputPath', $Frames).AddParameter('RunsRoot', (Join-Path $TestDrive 'progress'))
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 10
            $run = @($records | Where-Object ActivityId -eq 1)
            $run | Where-Object StatusDescription -eq 'phase 1 of 10: REGISTRATION' | Should -Not -BeNullOrEmpty
            $run | Where-Object StatusDescription -eq 'phase 10 of 10: STACKING' | Should -Not -BeNullOrEmpty
            $run | Where-Object StatusDescription -match ': $' | Should -BeNullOrEmpty
            $frames = @($records | Where-Object { $_.ParentActivityId -eq 1 -and $_.Activity -eq 'REGISTRATION' -and $_.StatusDescription -like 'frame *' })
            $frames.Count | Should -BeGreaterOrEqual 10
            # Frames register in parallel and finish out of order; the bar still only moves forward.
            $percents = $frames.PercentComplete
            $percents[-1] | Should -Be 100
            $percents[0] | Should -BeLessThan 100
            for ($i = 1; $i -lt $percents.Count; $i++) { $percents[$i] | Should -BeGreaterOrEqual $percents[$i - 1] }
            $records[-1].RecordType | Should -Be 'Completed'
            $records[-1].ActivityId | Should -Be 1
        }
        finally { $ps.Dispose() }
    }

    It 'fails a run with a PhaseFailed error that says how to resume it' {
        $root = Join-Path $TestDrive 'failed-id'
        { Start-TileRun $Frames -RunsRoot $root -RunId broken -ConfigPath $BadConfig -ErrorAction Stop } |
            Should -Throw -ErrorId 'PhaseFailed,TileCompile.StartTileRun'
        $err = $null
        Start-TileRun $Frames -RunsRoot (Join-Path $TestDrive 'failed-msg') -RunId b -ConfigPath $BadConfig -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        "$($err[0])" | Should -Match 'missing\.fit'
        "$($err[0])" | Should -Match "Resume-TileRun -LiteralPath '.*failed-msg.b'"
    }

    It 'gives a resume command that works as pasted, even for a path with quotes and brackets' {
        $root = Join-Path $TestDrive "O'Brien [night]"
        Start-TileRun $Frames -RunsRoot $root -RunId broken -ConfigPath $BadConfig -ErrorAction SilentlyContinue | Out-Null
        $run = Get-TileRun -LiteralPath (Join-Path $root 'broken')
        $run.ResumeCommand | Should -BeLike 'Resume-TileRun -LiteralPath *'
        $config = Join-Path $run.Path 'config.yaml'
        (Get-Content -Raw -LiteralPath $config) -replace "reference_frame: 'missing.fit'", "reference_frame: ''" | Set-Content -LiteralPath $config -NoNewline
        Invoke-Expression $run.ResumeCommand | Out-Null
        (Get-TileRun -LiteralPath $run.Path).Status | Should -Be 'Completed'
    }

    It 'rejects an invalid configuration with ConfigInvalid, naming the key' {
        $config = Join-Path $TestDrive 'invalid.yaml'
        Set-Content $config "stacking:`n  method: average_of_everything"
        { Start-TileRun $Frames -RunsRoot (Join-Path $TestDrive 'invalid') -ConfigPath $config -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigInvalid,TileCompile.StartTileRun' -ExpectedMessage '*stacking.method*'
    }

    It 'changes nothing with -WhatIf' {
        $root = Join-Path $TestDrive 'whatif-start'
        Start-TileRun $Frames -RunsRoot $root -WhatIf
        Test-Path $root | Should -BeFalse
    }
}

Describe 'The design card pipelines' {
    It 'Get-TileRun | Where-Object Status -eq Failed | Resume-TileRun finishes the failed run' {
        $root = Join-Path $TestDrive 'card'
        New-CompletedRun $root good | Out-Null
        Start-TileRun $Frames -RunsRoot $root -RunId broken -ConfigPath $BadConfig -ErrorAction SilentlyContinue | Out-Null
        $config = Join-Path $root 'broken/config.yaml'
        (Get-Content -Raw $config) -replace "reference_frame: 'missing.fit'", "reference_frame: ''" | Set-Content $config -NoNewline

        $failed = @(Get-TileRun -RunsRoot $root | Where-Object Status -eq Failed)
        $failed.RunId | Should -Be 'broken'
        $failed[0].IsResumable | Should -BeTrue
        $out = Get-TileRun -RunsRoot $root | Where-Object Status -eq Failed | Resume-TileRun -PassThru
        $out[0].GetType().Name | Should -Be 'TileRunResumeEvent'
        $out[-1].Status | Should -Be 'Completed'
        $out[-1].ResumeCount | Should -Be 1
        @(Get-TileRun -RunsRoot $root | Where-Object Status -eq Completed).Count | Should -Be 2
    }

    It 'shows runs in a table whose columns hold the run id, status and phase names whole' {
        $root = Join-Path $TestDrive 'table'
        Start-TileRun $Frames -RunsRoot $root -RunId broken -ConfigPath $BadConfig -ErrorAction SilentlyContinue | Out-Null
        $table = Get-TileRun -RunsRoot $root | Format-Table | Out-String -Width 200
        $table | Should -Match '(?m)^RunId\s+Status\s+Phase'
        $table | Should -Match 'broken\s+Failed\s+1 REGISTRATION'
        $phases = (Get-TileRun -Path (Join-Path $root 'broken')).Phases | Format-Table | Out-String -Width 200
        $phases | Should -Match 'CHANNEL_SPLIT'
        $phases | Should -Not -Match '…'
    }

    It 'Get-TileRun -Newest 1 | Get-TileRunEvent -Type phase_end gives one event per phase' {
        $root = Join-Path $TestDrive 'events'
        New-CompletedRun $root ev | Out-Null
        $ends = @(Get-TileRun -RunsRoot $root -Newest 1 | Get-TileRunEvent -Type phase_end)
        $ends.Count | Should -Be 11
        $ends[-1].Phase.ToString() | Should -Be 'STACKING'
        $ends | ForEach-Object { $_.Status | Should -BeIn 'ok', 'skipped' }
    }

    It 'Get-TileRun -Status Completed | Remove-TileRun -IntermediatesOnly keeps the result and frees space' {
        $root = Join-Path $TestDrive 'prune'
        $dir = New-CompletedRun $root p
        $before = (Get-ChildItem $dir -Recurse -File | Measure-Object Length -Sum).Sum
        $output = Get-Sha256 (Join-Path $dir 'outputs/stacked.fit')
        Get-TileRun -RunsRoot $root -Status Completed | Remove-TileRun -IntermediatesOnly -Confirm:$false
        (Get-ChildItem $dir -Recurse -File | Measure-Object Length -Sum).Sum | Should -BeLessThan ($before / 2)
        Get-Sha256 (Join-Path $dir 'outputs/stacked.fit') | Should -Be $output
    }
}

Describe 'Batches' {
    It 'stacks each folder piped from Get-ChildItem -Directory in a run of its own' {
        $night = Join-Path $TestDrive 'night'
        New-TestFrames (Join-Path $night 'M31') -Seed 5 | Out-Null
        New-TestFrames (Join-Path $night 'M42') -Seed 6 | Out-Null
        $root = Join-Path $TestDrive 'batch'
        $runs = Get-ChildItem $night -Directory | Start-TileRun -RunsRoot $root -PassThru | Where-Object { $_ -is [TileCompile.PowerShell.TileRun] }
        $runs.Count | Should -Be 2
        $runs | ForEach-Object { $_.Status | Should -Be 'Completed' }
        ($runs.InputPath | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object) | Should -Be @('M31', 'M42')
        Get-Item (Join-Path $night 'M31') | Start-TileRun -RunsRoot $root -RunId single | Out-Null
        (Get-TileRun -RunsRoot $root -RunId single).Status | Should -Be 'Completed'
    }

    It 'stacks several nights of one target in one run, from the cmdlet and from the command line' {
        $target = Join-Path $TestDrive 'M94'
        $first = New-TestFrames (Join-Path $target 'night1') -Frames 10
        $second = Join-Path $target 'night2'
        New-Item -ItemType Directory $second | Out-Null
        Get-ChildItem $first -Filter 'light_*.fit' | Sort-Object Name | Select-Object -Last 5 |
            ForEach-Object { Move-Item $_.FullName (Join-Path $second ('n2_' + $_.Name)) }
        $root = Join-Path $TestDrive 'nights'
        $run = Start-TileRun $first, $second -RunsRoot $root -RunId both -PassThru | Select-Object -Last 1
        $run.Status | Should -Be 'Completed'
        $run.FrameCount | Should -Be 10
        (Get-TileRunEvent -Path $run.Path -Type run_start).GetType().Name | Should -Be 'TileRunStartEvent'
        # Both front ends describe the start in the same words, every folder named.
        (Get-TileRunEvent -Path $run.Path -Type run_start).Message | Should -Be "10 frames from $first, $second"

        $cli = (Get-ChildItem (Join-Path $RepoRoot 'src/TileCompile.Cli/bin/*/net8.0/TileCompile.Cli.dll') | Sort-Object LastWriteTime | Select-Object -Last 1).FullName
        $out = & dotnet $cli run --input-dir $first --input-dir $second --runs-dir $root --run-id cli 2>&1
        $LASTEXITCODE | Should -Be 0
        "$out" | Should -Match ([regex]::Escape("10 frames from $first, $second"))
        (Get-TileRun -RunsRoot $root -RunId cli).FrameCount | Should -Be 10
    }
}

Describe 'Resume-TileRun' {
    BeforeAll {
        $script:ResumeRoot = Join-Path $TestDrive 'resume'
        $script:Done = New-CompletedRun $ResumeRoot done
    }

    It 're-runs only STACKING with -FromPhase and gives a bit-identical result' {
        $before = Get-Sha256 (Join-Path $Done 'outputs/stacked.fit')
        $out = Resume-TileRun -Path $Done -FromPhase STACKING
        $ran = @($out | Where-Object { $_.GetType().Name -eq 'TilePhaseEndEvent' -and $_.Status -eq 'ok' })
        $ran.Count | Should -Be 1
        $ran[0].Phase.ToString() | Should -Be 'STACKING'
        Get-Sha256 (Join-Path $Done 'outputs/stacked.fit') | Should -Be $before
    }

    It 'stops after -ToPhase as asked, and a resume finishes the run to the same result' {
        $root = Join-Path $TestDrive 'stop-at'
        $stopped = Start-TileRun $Frames -RunsRoot $root -RunId done -ToPhase TILE_GRID -PassThru | Select-Object -Last 1
        $stopped.Status | Should -Be 'Cancelled'
        $stopped.IsResumable | Should -BeTrue
        (Get-TileRunEvent -Path $stopped.Path -Type phase_end | Measure-Object).Count | Should -Be 6
        $finished = Resume-TileRun -Path $stopped.Path -PassThru | Select-Object -Last 1
        $finished.Status | Should -Be 'Completed'
        Get-Sha256 $finished.OutputPath | Should -Be (Get-Sha256 (Join-Path $Done 'outputs/stacked.fit'))
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-ChildItem $Done -Recurse -File | Get-FileHash | ForEach-Object Hash
        Resume-TileRun -Path $Done -FromPhase 5 -WhatIf
        Get-ChildItem $Done -Recurse -File | Get-FileHash | ForEach-Object Hash | Should -Be $before
    }

    It 'refuses a completed run with AlreadyCompleted and says how to run phases again' {
        { Resume-TileRun -Path $Done -ErrorAction Stop } |
            Should -Throw -ErrorId 'AlreadyCompleted,TileCompile.ResumeTileRun' -ExpectedMessage '*-FromPhase*'
    }

    It 'refuses a folder that is not a run with RunNotFound' {
        { Resume-TileRun -Path (Join-Path $TestDrive 'nothing-here') -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunNotFound,TileCompile.ResumeTileRun'
    }

    It 'rejects an unknown phase listing the phase names' {
        { Resume-TileRun -Path $Done -FromPhase 42 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*STACKING*'
    }
}

Describe 'Test-TileRun' {
    It 'finds same-size damage, names the phase, and the damaged runs pipe into Resume-TileRun' {
        $root = Join-Path $TestDrive 'verify'
        $dir = New-CompletedRun $root v
        $expected = Get-Sha256 (Join-Path $dir 'outputs/stacked.fit')
        Test-TileRun -Path $dir -Quiet | Should -BeTrue

        $output = Join-Path $dir 'outputs/stacked.fit'
        $bytes = [System.IO.File]::ReadAllBytes($output)
        $bytes[$bytes.Length - 100] = $bytes[$bytes.Length - 100] -bxor 1
        [System.IO.File]::WriteAllBytes($output, $bytes)

        (Get-TileRun -Path $dir).Status | Should -Be 'Completed'
        $report = Get-TileRun -RunsRoot $root | Test-TileRun
        $report.IsIntact | Should -BeFalse
        $report.FirstDamagedPhase | Should -Be 'STACKING'
        $report.Problems | Should -Match 'outputs/stacked.fit'
        Test-TileRun -Path $dir -Quiet | Should -BeFalse

        Get-TileRun -RunsRoot $root | Test-TileRun | Where-Object { -not $_.IsIntact } | Resume-TileRun | Out-Null
        Get-Sha256 $output | Should -Be $expected
        Test-TileRun -Path $dir -Quiet | Should -BeTrue
    }
}

Describe 'Remove-TileRun' {
    It 'is high impact, so it asks before deleting unless told not to' {
        $attr = (Get-Command Remove-TileRun).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attr.SupportsShouldProcess | Should -BeTrue
        $attr.ConfirmImpact | Should -Be 'High'
    }

    It 'keeps the run with -WhatIf and deletes it with -Confirm:$false' {
        $root = Join-Path $TestDrive 'remove'
        $dir = New-CompletedRun $root gone
        Remove-TileRun -Path $dir -WhatIf
        $dir | Should -Exist
        Remove-TileRun -Path $dir -Confirm:$false
        $dir | Should -Not -Exist
    }

    It 'asks before deleting, and keeps the run when the user answers No' {
        $root = Join-Path $TestDrive 'remove-ask'
        $dir = New-CompletedRun $root kept
        $script = "Import-Module '$ManifestPath'; Remove-TileRun -Path '$dir'; 'after the prompt'"
        $answer = Invoke-FreshPwsh $script -InputText "N`n" -Interactive
        $answer.Output | Should -Match 'Delete run kept'
        $answer.Output | Should -Match 'after the prompt'
        $dir | Should -Exist
        $yes = Invoke-FreshPwsh $script -InputText "Y`n" -Interactive
        $yes.Output | Should -Match 'Delete run kept'
        $dir | Should -Not -Exist
    }
}

Describe 'Configuration cmdlets' {
    It 'New-TileRunConfig writes every key at its default, and Test-TileRunConfig accepts it' {
        $path = Join-Path $TestDrive 'night.yaml'
        New-TileRunConfig $path | Out-Null
        Get-Content -Raw $path | Should -Match 'stacking:'
        $result = Test-TileRunConfig $path
        $result.IsValid | Should -BeTrue
        $result.ConfigHash | Should -Match '^[0-9a-f]{16,}$'
    }

    It 'New-TileRunConfig refuses to replace a file without -Force' {
        $path = Join-Path $TestDrive 'exists.yaml'
        Set-Content $path 'mine'
        { New-TileRunConfig $path -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,TileCompile.NewTileRunConfig'
        Get-Content -Raw $path | Should -Match 'mine'
    }

    It 'Test-TileRunConfig names the line and key of an error, and -Quiet gives one answer per piped file' {
        $dir = Join-Path $TestDrive 'configs'
        New-Item -ItemType Directory $dir | Out-Null
        Set-Content (Join-Path $dir 'a-good.yaml') "stacking:`n  method: rej`n"
        Set-Content (Join-Path $dir 'b-bad.yaml') "registration:`n  max_shift: 1`nstacking:`n  sigma_clip:`n    sigma_high: -3"
        $result = Test-TileRunConfig (Join-Path $dir 'b-bad.yaml')
        $result.IsValid | Should -BeFalse
        $issue = $result.Issues | Where-Object Severity -eq Error | Select-Object -First 1
        $issue.Line | Should -BeGreaterThan 0
        $issue.Key | Should -Not -BeNullOrEmpty
        $answers = Get-ChildItem $dir -Filter *.yaml | Sort-Object Name | Test-TileRunConfig -Quiet
        $answers.Count | Should -Be 2
        $answers[1] | Should -BeFalse
    }
}

Describe 'New-TileSampleData' {
    It 'writes frames with their truth, and refuses a folder that is not empty' {
        $dir = Join-Path $TestDrive 'samples'
        $set = New-TileSampleData -Path $dir -Frames 4 -Width 128 -Height 96 -Sensor Rggb
        @(Get-ChildItem $dir -Filter *.fit).Count | Should -Be 4
        Join-Path $dir 'truth.json' | Should -Exist
        $set | Should -Not -BeNullOrEmpty
        { New-TileSampleData -Path $dir -Frames 4 -ErrorAction Stop } | Should -Throw -ErrorId 'DirectoryNotEmpty,TileCompile.NewTileSampleData'
    }
}

Describe 'Finding runs' {
    It 'filters by the target the frames name and by the input folder' {
        $root = Join-Path $TestDrive 'find'
        New-CompletedRun $root found | Out-Null
        $run = Get-TileRun -RunsRoot $root -RunId found
        $run.Object | Should -Be 'Synthetic field'
        (Get-TileRun -RunsRoot $root -Target 'Synthetic*').RunId | Should -Be 'found'
        Get-TileRun -RunsRoot $root -Target 'M 31' | Should -BeNullOrEmpty
        (Get-TileRun -RunsRoot $root -InputPath '*frames').RunId | Should -Be 'found'
        Get-TileRun -RunsRoot $root -InputPath '*elsewhere*' | Should -BeNullOrEmpty

        $cli = (Get-ChildItem (Join-Path $RepoRoot 'src/TileCompile.Cli/bin/*/net8.0/TileCompile.Cli.dll') | Sort-Object LastWriteTime | Select-Object -Last 1).FullName
        $listed = & dotnet $cli list $root --object 'Synthetic*' --json | ConvertFrom-Json
        $listed.run_id | Should -Be 'found'
        $listed.object | Should -Be 'Synthetic field'
        @(& dotnet $cli list $root --object 'M 31' --json | ConvertFrom-Json).Count | Should -Be 0
    }
}

Describe 'Everyday cmdlet details' {
    It 'removes several runs by id at once' {
        $root = Join-Path $TestDrive 'by-id'
        New-CompletedRun $root one | Out-Null
        New-CompletedRun $root two | Out-Null
        New-CompletedRun $root three | Out-Null
        Remove-TileRun -RunId one, two -RunsRoot $root -Confirm:$false
        (Get-TileRun -RunsRoot $root).RunId | Should -Be 'three'
    }

    It 'stops by run id, and says clearly when the run is not running' {
        $root = Join-Path $TestDrive 'stop-id'
        New-CompletedRun $root idle | Out-Null
        { Stop-TileRun -RunId idle -RunsRoot $root -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunNotRunning,TileCompile.StopTileRun' -ExpectedMessage '*not running*'
    }

    It 'writes warnings to the warning stream as well as event objects' {
        $root = Join-Path $TestDrive 'warnings'
        $events = Start-TileRun $Frames -RunsRoot $root -WarningVariable warned -WarningAction SilentlyContinue
        $objects = @($events | Where-Object { $_ -is [TileCompile.PowerShell.TileWarningEvent] })
        $objects.Count | Should -BeGreaterThan 0
        @($warned).Count | Should -Be $objects.Count
        "$($warned[0])" | Should -Be $objects[0].Message
    }

    It 'accepts -Wait for -Follow, and the help lists -WhatIf, -Confirm and default values' {
        (Get-Command Get-TileRunEvent).Parameters['Follow'].Aliases | Should -Contain 'Wait'
        $syntax = Get-Help Remove-TileRun | Select-Object -ExpandProperty syntax | Out-String -Width 300
        $syntax | Should -Match '\[-WhatIf\] \[-Confirm\]'
        (Get-Help Start-TileRun -Parameter RunsRoot).defaultValue | Should -Be './runs'
        (Get-Help New-TileSampleData -Parameter Frames).defaultValue | Should -Be '40'
    }
}
