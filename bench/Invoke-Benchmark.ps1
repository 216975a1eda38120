<#
.SYNOPSIS
    Measures Ally against hand-written baselines, side by side in one run, and prints ratios.
.DESCRIPTION
    Everything runs against the fake Ollama server on loopback.
    (a) Import: `Import-Module Ally` on top of a bare pwsh start (median of -ImportRuns).
    (b) Per request: -Requests sequential non-streaming chats through Invoke-AllyChat vs the same
        requests with a raw HttpClient (in-process, precompiled) vs Invoke-RestMethod.
    (c) Streaming: a -Tokens-token answer through `Invoke-AllyChat -Stream` vs a raw HttpClient
        NDJSON read writing each token to the console, each in its own pwsh, with the growth of the
        working set during the stream (peak minus before).
    (d) OpenRouter: per-request cost and -Tokens-token streaming through `-Provider openrouter` vs
        a raw HttpClient SSE client, against the fake OpenRouter API.
    Ratios are Ally / baseline: 1.00 means the same cost, lower is better.
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -NoBuild -ModulePath /tmp/ally-before/Ally/Ally.psd1
    Measures another build of the module against the same baselines.
#>
[CmdletBinding()]
param(
    [int] $ImportRuns = 10,
    [int] $Requests = 500,
    [int] $Tokens = 20000,
    [switch] $NoBuild,
    # The module to measure (default: the build in out/Ally); e.g. an earlier build, to compare.
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$module = if ($ModulePath) { (Resolve-Path $ModulePath).Path } else { Join-Path $root 'out/Ally/Ally.psd1' }
$baselineDll = Join-Path $PSScriptRoot 'Ally.Bench.Baselines/bin/Release/net10.0/Ally.Bench.Baselines.dll'
[string[]]$pwshArgs = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }

if (-not $NoBuild) {
    & (Join-Path $root 'build.ps1') -Task Build | Out-Null
    dotnet build (Join-Path $root 'tests/Ally.FakeServers/Ally.FakeServers.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly
    dotnet build (Join-Path $PSScriptRoot 'Ally.Bench.Baselines/Ally.Bench.Baselines.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE) { throw 'Building the benchmark failed.' }
}

Import-Module (Join-Path $root 'tests/FakeServer.psm1') -Force
$server = Start-AllyFakeServer
$results = [System.Collections.Generic.List[object]]::new()

function Invoke-Pwsh([string] $Command) {
    $output = & ([Environment]::ProcessPath) @pwshArgs -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE) { throw "pwsh failed: $output" }
    $output
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# Runs a script in its own pwsh; the script reports "RESULT <ms> <working-set growth>" on stderr.
$measure = @'
$p = [System.Diagnostics.Process]::GetCurrentProcess()
[GC]::Collect(); $p.Refresh(); $before = $p.WorkingSet64
$sw = [System.Diagnostics.Stopwatch]::StartNew()
{0}
$sw.Stop(); $p.Refresh()
[Console]::Error.WriteLine(('RESULT {{0}} {{1}}' -f $sw.Elapsed.TotalMilliseconds, ($p.PeakWorkingSet64 - $before)))
'@
function Measure-Stream([string] $Name, [string] $Script) {
    # stdout (the streamed tokens) is read and dropped; the figures come back on stderr.
    $all = & ([Environment]::ProcessPath) @pwshArgs -NoProfile -NonInteractive -Command $Script 2>&1
    $line = $all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object ToString |
        Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { throw "The $Name stream run printed no result: $($all | Select-Object -Last 5)" }
    $parts = $line.Split(' ')
    [pscustomobject]@{ Name = $Name; Ms = [double]$parts[1]; Growth = [double]$parts[2] }
}

function Add-Result([string] $Name, [double] $Ally, [double] $Baseline, [string] $BaselineName, [string] $Unit) {
    $results.Add([pscustomobject]@{
            Measure  = $Name
            Ally     = ('{0:N1} {1}' -f $Ally, $Unit)
            Baseline = ('{0:N1} {1} ({2})' -f $Baseline, $Unit, $BaselineName)
            Ratio    = ('{0:N2}' -f ($Ally / $Baseline))
        })
}

try {
    $env:OLLAMA_HOST = $server.Url
    $env:ALLY_MODEL = $null
    $env:ALLY_PROVIDER = $null

    # (a) Import time over a bare start.
    Write-Host "(a) import: $ImportRuns runs each" -ForegroundColor Cyan
    $bare = @(); $withAlly = @(); $firstCall = @()
    Invoke-Pwsh 'exit' | Out-Null   # warm the disk cache
    for ($i = 0; $i -lt $ImportRuns; $i++) {
        $bare += (Measure-Command { Invoke-Pwsh 'exit' | Out-Null }).TotalMilliseconds
        $withAlly += (Measure-Command { Invoke-Pwsh "Import-Module '$module'; exit" | Out-Null }).TotalMilliseconds
        $firstCall += [double](Invoke-Pwsh "Import-Module '$module'; (Measure-Command { Invoke-AllyChat 'hi' | Out-Null }).TotalMilliseconds")
    }
    $bareMs = Get-Median $bare
    $allyMs = Get-Median $withAlly
    Add-Result 'pwsh start + Import-Module Ally' $allyMs $bareMs 'bare pwsh start' 'ms'
    $results.Add([pscustomobject]@{ Measure = 'Import-Module Ally adds'; Ally = '{0:N1} ms' -f ($allyMs - $bareMs); Baseline = ''; Ratio = '' })
    $results.Add([pscustomobject]@{ Measure = 'first Invoke-AllyChat in a session'; Ally = '{0:N1} ms' -f (Get-Median $firstCall); Baseline = ''; Ratio = '' })

    # (b) Sequential requests, in this process.
    Write-Host "(b) $Requests sequential chats" -ForegroundColor Cyan
    Set-AllyFakeBehavior $server @{ reply = 'pong' }
    Import-Module $module -Force
    Add-Type -Path $baselineDll
    $null = Invoke-AllyChat 'ping'                # warm-up: JIT, connection
    Clear-AllyFakeRequest $server
    $null = Invoke-AllyChat 'ping'
    $allyBody = (Get-AllyFakeRequest $server)[0].Body  # the exact request Ally sends
    $chatUrl = "$($server.Url)api/chat"
    $null = [Ally.Bench.RawOllama]::Chat($chatUrl, $allyBody)
    $irmBody = $allyBody -replace '"stream":true', '"stream":false'
    $null = Invoke-RestMethod -Method Post -Uri $chatUrl -Body $irmBody -ContentType 'application/json'

    $allyTime = Measure-Command { for ($i = 0; $i -lt $Requests; $i++) { $null = Invoke-AllyChat 'ping' } }
    $rawTime = Measure-Command { for ($i = 0; $i -lt $Requests; $i++) { $null = [Ally.Bench.RawOllama]::Chat($chatUrl, $allyBody) } }
    $irmTime = Measure-Command { for ($i = 0; $i -lt $Requests; $i++) { $null = Invoke-RestMethod -Method Post -Uri $chatUrl -Body $irmBody -ContentType 'application/json' } }
    $perAlly = $allyTime.TotalMilliseconds / $Requests
    Add-Result 'per request: Invoke-AllyChat vs HttpClient' $perAlly ($rawTime.TotalMilliseconds / $Requests) 'raw HttpClient' 'ms'
    Add-Result 'per request: Invoke-AllyChat vs Invoke-RestMethod' $perAlly ($irmTime.TotalMilliseconds / $Requests) 'Invoke-RestMethod' 'ms'

    # (c) A long streamed answer, each client in its own process so memory figures are its own.
    Write-Host "(c) $Tokens-token stream" -ForegroundColor Cyan
    Set-AllyFakeBehavior $server @{ replyTokens = $Tokens }
    $allyScript = "Import-Module '$module'; `$null = Invoke-AllyChat 'warm' -MaxTokens 5 -Stream 6>`$null; " +
        ($measure -f "Invoke-AllyChat 'Write a long story' -Stream")
    $rawScript = "Add-Type -Path '$baselineDll'; `$null = [Ally.Bench.RawOllama]::Chat('$chatUrl', '{""model"":""llama3.1"",""messages"":[{""role"":""user"",""content"":""warm""}],""options"":{""num_predict"":5}}'); " +
        ($measure -f "`$null = [Ally.Bench.RawOllama]::Stream('$chatUrl', '{""model"":""llama3.1"",""messages"":[{""role"":""user"",""content"":""Write a long story""}],""stream"":true}', [Console]::Out)")
    $streamRuns = @(Measure-Stream 'ally' $allyScript; Measure-Stream 'raw' $rawScript)
    $allyRun = $streamRuns | Where-Object Name -eq 'ally'
    $rawRun = $streamRuns | Where-Object Name -eq 'raw'
    Add-Result "$Tokens tokens: -Stream vs raw NDJSON read" $allyRun.Ms $rawRun.Ms 'raw HttpClient' 'ms'
    Add-Result "$Tokens tokens: working-set growth while streaming" ($allyRun.Growth / 1MB) ([math]::Max($rawRun.Growth, 1MB) / 1MB) 'raw HttpClient' 'MiB'
    # Flat memory: five times the tokens should not mean five times the growth.
    Set-AllyFakeBehavior $server @{ replyTokens = $Tokens * 5 }
    $longRun = Measure-Stream 'ally-long' ("Import-Module '$module'; `$null = Invoke-AllyChat 'warm' -MaxTokens 5 -Stream 6>`$null; " + ($measure -f "Invoke-AllyChat 'Write a long story' -Stream"))
    Add-Result "$($Tokens * 5) vs $Tokens tokens: Ally working-set growth" ($longRun.Growth / 1MB) ([math]::Max($allyRun.Growth, 1MB) / 1MB) "Ally at $Tokens tokens" 'MiB'
    Set-AllyFakeBehavior $server @{ replyTokens = $Tokens }
    $results.Add([pscustomobject]@{ Measure = "$Tokens tokens: Ally throughput"; Ally = ('{0:N0} tokens/s' -f ($Tokens / ($allyRun.Ms / 1000))); Baseline = ('{0:N0} tokens/s' -f ($Tokens / ($rawRun.Ms / 1000))); Ratio = '' })

    # (d) OpenRouter through the same fake (its /api/v1 routes).
    Write-Host "(d) OpenRouter: $Requests requests, $Tokens-token stream" -ForegroundColor Cyan
    $key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'  # the fake's default account key
    $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
    $env:OPENROUTER_API_KEY = $key
    $orUrl = "$($server.Url)api/v1/chat/completions"
    Set-AllyFakeBehavior $server @{ reply = 'pong'; replyTokens = $null }
    $null = Invoke-AllyChat 'ping' -Provider openrouter
    Clear-AllyFakeRequest $server
    $null = Invoke-AllyChat 'ping' -Provider openrouter
    $orBody = (Get-AllyFakeRequest $server)[0].Body
    $null = [Ally.Bench.RawOpenRouter]::Chat($orUrl, $key, $orBody)
    $allyTime = Measure-Command { for ($i = 0; $i -lt $Requests; $i++) { $null = Invoke-AllyChat 'ping' -Provider openrouter } }
    $rawTime = Measure-Command { for ($i = 0; $i -lt $Requests; $i++) { $null = [Ally.Bench.RawOpenRouter]::Chat($orUrl, $key, $orBody) } }
    Add-Result 'OpenRouter per request: Invoke-AllyChat vs HttpClient' ($allyTime.TotalMilliseconds / $Requests) ($rawTime.TotalMilliseconds / $Requests) 'raw HttpClient' 'ms'

    Set-AllyFakeBehavior $server @{ replyTokens = $Tokens }
    $orStream = '{""model"":""openai/gpt-4o"",""messages"":[{""role"":""user"",""content"":""Write a long story""}],""stream"":true}'
    $allyScript = "Import-Module '$module'; `$null = Invoke-AllyChat 'warm' -Provider openrouter -MaxTokens 5 -Stream 6>`$null; " +
        ($measure -f "Invoke-AllyChat 'Write a long story' -Provider openrouter -Stream")
    $rawScript = "Add-Type -Path '$baselineDll'; `$null = [Ally.Bench.RawOpenRouter]::Chat('$orUrl', '$key', '{""model"":""openai/gpt-4o"",""messages"":[{""role"":""user"",""content"":""warm""}],""max_tokens"":5,""stream"":true}'); " +
        ($measure -f "`$null = [Ally.Bench.RawOpenRouter]::Stream('$orUrl', '$key', '$orStream', [Console]::Out)")
    $orRuns = @(Measure-Stream 'ally' $allyScript; Measure-Stream 'raw' $rawScript)
    $allyRun = $orRuns[0]; $rawRun = $orRuns[1]
    Add-Result "OpenRouter $Tokens tokens: -Stream vs raw SSE read" $allyRun.Ms $rawRun.Ms 'raw HttpClient' 'ms'
    Add-Result "OpenRouter $Tokens tokens: working-set growth" ($allyRun.Growth / 1MB) ([math]::Max($rawRun.Growth, 1MB) / 1MB) 'raw HttpClient' 'MiB'
}
finally {
    Stop-AllyFakeServer $server
}

$results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
