BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $ProgressPreference = 'SilentlyContinue'
    # Large enough that a run takes a few seconds, so that it can be stopped half-way.
    $script:Frames = New-TestFrames (Join-Path $TestDrive 'frames') -Frames 24 -Width 512 -Height 384 -Seed 3
    # The uninterrupted result every other run here must reproduce bit for bit (same run id, other root).
    Start-TileRun $Frames -RunsRoot (Join-Path $TestDrive 'reference') -RunId night | Out-Null
    $script:Expected = Get-Sha256 (Join-Path $TestDrive 'reference/night/outputs/stacked.fit')
    $script:Init = [scriptblock]::Create("Import-Module '$ManifestPath'; `$ProgressPreference = 'SilentlyContinue'")
}

Describe 'Runs in thread jobs' {
    It 'runs two runs at once in two thread jobs, each to the uninterrupted result' {
        $a = Join-Path $TestDrive 'two-a'
        $b = Join-Path $TestDrive 'two-b'
        $jobs = @(
            Start-ThreadJob -InitializationScript $Init { Start-TileRun $using:Frames -RunsRoot $using:a -RunId night -PassThru }
            Start-ThreadJob -InitializationScript $Init { Start-TileRun $using:Frames -RunsRoot $using:b -RunId night -PassThru }
        )
        $results = $jobs | Wait-Job -Timeout 300 | Receive-Job
        $jobs | ForEach-Object { $_.State | Should -Be 'Completed' }
        $runs = @($results | Where-Object { $_.GetType().Name -eq 'TileRun' })
        $runs.Count | Should -Be 2
        $runs | ForEach-Object { $_.Status | Should -Be 'Completed' }
        # The two ran side by side: each started before the other ended.
        $starts = $runs | ForEach-Object Started
        $ends = $runs | ForEach-Object Ended
        ($starts | Measure-Object -Maximum).Maximum | Should -BeLessThan ($ends | Measure-Object -Minimum).Minimum
        Get-Sha256 (Join-Path $a 'night/outputs/stacked.fit') | Should -Be $Expected
        Get-Sha256 (Join-Path $b 'night/outputs/stacked.fit') | Should -Be $Expected
        $jobs | Remove-Job
    }

    It 'Stop-Job cancels the run; a resume then gives the uninterrupted result' {
        $root = Join-Path $TestDrive 'stop-job'
        $dir = Join-Path $root 'night'
        $job = Start-ThreadJob -InitializationScript $Init { Start-TileRun $using:Frames -RunsRoot $using:root -RunId night }
        Wait-RunEvent $dir { param($e) $e.type -eq 'frame_processed' -and $e.phase -eq 1 } | Out-Null
        $job | Stop-Job
        $job | Remove-Job -Force
        $run = Get-TileRun -Path $dir
        $run.Status | Should -Be 'Cancelled'
        $run.IsResumable | Should -BeTrue
        Join-Path $dir 'run.lock' | Should -Not -Exist

        # What the cancelled run left is counted as it lies on disk.
        $onDisk = (Get-ChildItem $dir -Recurse -File | Measure-Object Length -Sum).Sum
        (Get-TileRun -RunsRoot $root).SizeOnDisk | Should -Be $onDisk

        $resumed = Resume-TileRun -Path $dir -PassThru | Select-Object -Last 1
        $resumed.Status | Should -Be 'Completed'
        Get-Sha256 (Join-Path $dir 'outputs/stacked.fit') | Should -Be $Expected
        # The duration adds up both attempts.
        $attempts = Get-TileRunEvent -Path $dir -Type run_end | ForEach-Object { $_.Duration.TotalSeconds }
        $attempts.Count | Should -Be 2
        (Get-TileRun -RunsRoot $root).Duration.TotalSeconds | Should -BeGreaterOrEqual (($attempts | Measure-Object -Sum).Sum - 0.01)
        $resumed.Duration.TotalSeconds | Should -BeGreaterOrEqual (($attempts | Measure-Object -Sum).Sum - 0.01)
    }

    It 'Stop-TileRun cancels a run another job is running; Get-TileRun | Resume-TileRun finishes it identically' {
        $root = Join-Path $TestDrive 'stop-tilerun'
        $dir = Join-Path $root 'night'
        $job = Start-ThreadJob -InitializationScript $Init { Start-TileRun $using:Frames -RunsRoot $using:root -RunId night -PassThru -ErrorAction SilentlyContinue }
        Wait-RunEvent $dir { param($e) $e.type -eq 'frame_processed' -and $e.phase -eq 1 } | Out-Null
        Stop-TileRun -Path $dir -Confirm:$false
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Not -Be 'Running'
        $job | Remove-Job -Force
        Get-TileRun -Path $dir | ForEach-Object Status | Should -Be 'Cancelled'

        Get-TileRun -RunsRoot $root | Where-Object IsResumable | Resume-TileRun | Out-Null
        Get-TileRun -Path $dir | ForEach-Object Status | Should -Be 'Completed'
        Get-Sha256 (Join-Path $dir 'outputs/stacked.fit') | Should -Be $Expected
    }

    It 'picks up a run whose process was killed with the design card''s one-liner, to the uninterrupted result' {
        $root = Join-Path $TestDrive 'killed'
        $dir = Join-Path $root 'night'
        $process = Start-FreshPwsh "Import-Module '$ManifestPath'; Start-TileRun '$Frames' -RunsRoot '$root' -RunId night -ProgressAction SilentlyContinue | Out-Null"
        try {
            Wait-RunEvent $dir { param($e) $e.type -eq 'frame_processed' -and $e.phase -eq 1 } | Out-Null
            $process.Kill()   # SIGKILL: no run_end, the lock left behind
            $process.WaitForExit()
        }
        finally { $process.Dispose() }

        $run = Get-TileRun -Path $dir
        $run.Status | Should -Be 'Failed'
        $run.Interrupted | Should -BeTrue
        $run.Error | Should -Match 'killed, crashed'
        @(Get-TileRun -RunsRoot $root -Resumable).RunId | Should -Be 'night'

        Get-TileRun -RunsRoot $root | Where-Object Status -eq Failed | Resume-TileRun | Out-Null
        (Get-TileRun -Path $dir).Status | Should -Be 'Completed'
        Get-Sha256 (Join-Path $dir 'outputs/stacked.fit') | Should -Be $Expected
    }

    It 'lets exactly one of two resumes of the same run proceed; the other gets RunBusy' {
        $root = Join-Path $TestDrive 'busy'
        $dir = Join-Path $root 'night'
        Start-TileRun $Frames -RunsRoot $root -RunId night | Out-Null
        $job = Start-ThreadJob -InitializationScript $Init { Resume-TileRun -Path $using:dir -FromPhase 1 }
        Wait-RunEvent $dir { param($e) $e.type -eq 'run_resume' } | Out-Null
        { Resume-TileRun -Path $dir -FromPhase 1 -ErrorAction Stop } | Should -Throw -ErrorId 'RunBusy,TileCompile.ResumeTileRun'
        $job | Wait-Job -Timeout 300 | Receive-Job | Out-Null
        $job.State | Should -Be 'Completed'
        $job | Remove-Job
        Get-Sha256 (Join-Path $dir 'outputs/stacked.fit') | Should -Be $Expected
    }
}
