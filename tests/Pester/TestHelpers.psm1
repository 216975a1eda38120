# Helpers shared by the Pester suites: child PowerShell processes and environment handling.

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a script in a fresh pwsh process (the same PowerShell the tests run on) and returns its
        exit code, stdout and stderr. -Environment adds or overrides variables ($null removes one).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 300,
        [string] $WorkingDirectory = (Get-Location).Path
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    # Under `dotnet pwsh` the process is dotnet itself, so start pwsh.dll through it.
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    # A script file, not -Command -: multi-line blocks read from stdin need blank lines to end them.
    $scriptFile = Join-Path ([IO.Path]::GetTempPath()) ("ally-child-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
    Set-Content -Path $scriptFile -Value $Script -Encoding utf8NoBOM
    foreach ($a in '-NoProfile', '-NonInteractive', '-File', $scriptFile) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $psi.WorkingDirectory = $WorkingDirectory
    foreach ($key in $Environment.Keys) {
        if ($null -eq $Environment[$key]) { [void]$psi.Environment.Remove($key) } else { $psi.Environment[$key] = [string]$Environment[$key] }
    }
    $process = [System.Diagnostics.Process]::Start($psi)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    # Nobody types into a child: its stdin is closed, as in CI.
    $process.StandardInput.Close()
    try {
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "Child pwsh did not finish within $TimeoutSec s."
        }
    }
    finally {
        Remove-Item $scriptFile -ErrorAction Ignore
    }
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        StdOut   = $stdout.Result
        StdErr   = $stderr.Result
    }
}

function Test-StopsPromptly {
    <#
    .SYNOPSIS
        Runs $Script in a new runspace, waits until $IsStarted says the request is on the wire, then
        presses Ctrl+C (Stop). Returns $true when the script was still running and stopped within 10 s.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [scriptblock] $IsStarted
    )
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript($Script)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (& $IsStarted) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 300
        if ($async.IsCompleted) { return $false }
        $stop = $ps.BeginStop($null, $null)
        $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(10)) -and $ps.InvocationStateInfo.State -eq 'Stopped'
    }
    finally {
        $ps.Dispose()
    }
}

function Save-AllyEnvironment {
    # The variables Ally reads; tests set them freely and restore them afterwards.
    $names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL'
    $saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $saved
}

function Restore-AllyEnvironment {
    param([hashtable] $Saved)
    foreach ($n in $Saved.Keys) { [Environment]::SetEnvironmentVariable($n, $Saved[$n]) }
}

Export-ModuleMember -Function Invoke-ChildPwsh, Test-StopsPromptly, Save-AllyEnvironment, Restore-AllyEnvironment
