<#
.SYNOPSIS
    Measures Ally against hand-written baselines, side by side, in interleaved rounds, and prints ratios.
.DESCRIPTION
    Everything runs against the loopback fake servers (Ollama, and OpenRouter under /api/v1). Each
    measure runs -Rounds short rounds that alternate the sides (the side that goes first rotates), so a
    load spike on this shared machine lands on both sides; it reports the median with min–max, and the
    ratio of the medians (Ally / baseline; 1.00 is the same cost, lower is better). Per-request rows also
    give process CPU time per request, which noise moves much less than wall time.

    (a) Import: a pwsh start with Import-Module Ally vs a bare pwsh start.
    (b) First chat in a session: Ollama vs the OpenRouter path, each in a fresh pwsh after Import-Module.
    (c) Per request: Invoke-AllyChat (Ollama) vs a raw HttpClient call carrying the same body and vs
        Invoke-RestMethod; the OpenRouter path vs a raw HttpClient SSE read; PSOpenAI's
        Request-ChatCompletion when -PSOpenAIPath is given (it is not in the registries here).
    (d) Streaming: a -Tokens answer through Invoke-AllyChat -Stream vs a raw read writing each token to
        the console (Ollama NDJSON and OpenRouter SSE), each in its own pwsh after a short warm-up; the
        rate ratio is baseline time / Ally time (1.00 = the wire's rate as a raw client sees it, higher is
        better). Working-set growth while streaming, and at 5 × -Tokens for Ally (memory stays bounded).
    (e) Piped input: a -PipedKB file piped as Get-Content lines into Invoke-AllyChat vs the same lines
        read with Get-Content, joined and sent raw.
    (f) A question with one tool call (Invoke-AllyChat -Tool Get-Date: two requests and the command) vs
        the same exchange written by hand with Invoke-RestMethod (tools in the body, tool_calls read, the
        command run with splatting, the result sent back).
    (g) Structured output: -Schema -AsObject vs Invoke-RestMethod with Ollama's format and ConvertFrom-Json.
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1
.EXAMPLE
    dotnet pwsh ./bench/Invoke-Benchmark.ps1 -NoBuild -ModulePath /tmp/ally-before/Ally/Ally.psd1
    Measures another build of the module against the same baselines.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 100)]
    [int] $Rounds = 7,
    [ValidateRange(1, 10000)]
    [int] $Requests = 40,
    [ValidateRange(100, 1000000)]
    [int] $Tokens = 20000,
    [ValidateRange(1, 100000)]
    [int] $PipedKB = 1024,
    [switch] $NoBuild,
    # The module to measure (default: the build in out/Ally); e.g. an earlier build, to compare.
    [string] $ModulePath,
    # A PSOpenAI module (its .psd1) to compare per-request cost with; skipped when not given.
    [string] $PSOpenAIPath
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
Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
$results = Initialize-Bench -Rounds $Rounds
$key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'  # the fake's default account key
$process = [System.Diagnostics.Process]::GetCurrentProcess()

# Runs a script in a fresh pwsh; the script's last line on stderr "RESULT <name>=<number> ..." is parsed.
function Invoke-Child([string] $Script) {
    $all = & ([Environment]::ProcessPath) @pwshArgs -NoProfile -NonInteractive -Command $Script 2>&1
    $line = $all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object ToString |
        Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { throw "A benchmark child printed no result: $($all | Select-Object -Last 5)" }
    $values = @{}
    foreach ($pair in $line.Substring(7).Split(' ')) { $name, $value = $pair.Split('='); $values[$name] = [double]$value }
    $values
}

# Times a block of -Requests calls in this process: wall and process CPU per call, in ms.
function Measure-Block([scriptblock] $Call) {
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Requests; $i++) { $null = & $Call }
    $watch.Stop()
    $process.Refresh()
    @{ Ms = $watch.Elapsed.TotalMilliseconds / $Requests; Cpu = ($process.TotalProcessorTime - $cpu).TotalMilliseconds / $Requests }
}

try {
    $env:OLLAMA_HOST = $server.Url
    $env:ALLY_MODEL = $null
    $env:ALLY_PROVIDER = $null
    $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
    $env:OPENROUTER_API_KEY = $key
    $chatUrl = "$($server.Url)api/chat"
    $orUrl = "$($server.Url)api/v1/chat/completions"

    # (a) Import time over a bare start.
    Write-Host "(a) import: $Rounds rounds" -ForegroundColor Cyan
    $null = Invoke-Child "[Console]::Error.WriteLine('RESULT Ms=0')"   # warm the disk cache
    $import = Measure-Sides ([ordered]@{
            bare = { @{ Ms = (Measure-Command { & ([Environment]::ProcessPath) @pwshArgs -NoProfile -NonInteractive -Command 'exit' | Out-Null }).TotalMilliseconds } }
            ally = { @{ Ms = (Measure-Command { & ([Environment]::ProcessPath) @pwshArgs -NoProfile -NonInteractive -Command "Import-Module '$module'; exit" | Out-Null }).TotalMilliseconds } }
        })
    Add-Row 'pwsh start + Import-Module Ally' $import.ally $import.bare 'bare pwsh start' 'ms' -Format 'N0'

    # (b) The first chat of a session, per provider.
    Write-Host "(b) first chat: $Rounds rounds" -ForegroundColor Cyan
    Set-AllyFakeBehavior $server @{ reply = 'pong' }
    $first = Measure-Sides ([ordered]@{
            ollama     = { Invoke-Child "Import-Module '$module'; `$t = (Measure-Command { `$null = Invoke-AllyChat 'hi' }).TotalMilliseconds; [Console]::Error.WriteLine(""RESULT Ms=`$t"")" }
            openrouter = { Invoke-Child "Import-Module '$module'; `$t = (Measure-Command { `$null = Invoke-AllyChat 'hi' -Provider openrouter }).TotalMilliseconds; [Console]::Error.WriteLine(""RESULT Ms=`$t"")" }
        })
    Add-Row 'first Invoke-AllyChat in a session: Ollama vs OpenRouter path' $first.ollama $first.openrouter 'OpenRouter path' 'ms' -Format 'N0'

    # (c) Requests in this process.
    Write-Host "(c) per request: $Rounds rounds of $Requests" -ForegroundColor Cyan
    Import-Module $module -Force
    Add-Type -Path $baselineDll
    $null = Invoke-AllyChat 'ping'                # warm-up: JIT, connection
    Clear-AllyFakeRequest $server
    $null = Invoke-AllyChat 'ping'
    $allyBody = (Get-AllyFakeRequest $server)[0].Body  # the exact request Ally sends
    $irmBody = $allyBody -replace '"stream":true', '"stream":false'
    $null = [Ally.Bench.RawOllama]::Chat($chatUrl, $allyBody)
    $null = Invoke-RestMethod -Method Post -Uri $chatUrl -Body $irmBody -ContentType 'application/json'
    $ollama = Measure-Sides ([ordered]@{
            ally = { Measure-Block { Invoke-AllyChat 'ping' } }
            raw  = { Measure-Block { [Ally.Bench.RawOllama]::Chat($chatUrl, $allyBody) } }
            irm  = { Measure-Block { Invoke-RestMethod -Method Post -Uri $chatUrl -Body $irmBody -ContentType 'application/json' } }
        })
    Add-Row 'per request: Invoke-AllyChat vs HttpClient' $ollama.ally $ollama.raw 'raw HttpClient' 'ms' -Format 'N3'
    Add-Row 'per request: Invoke-AllyChat vs Invoke-RestMethod' $ollama.ally $ollama.irm 'Invoke-RestMethod' 'ms' -Format 'N3'

    $null = Invoke-AllyChat 'ping' -Provider openrouter
    Clear-AllyFakeRequest $server
    $null = Invoke-AllyChat 'ping' -Provider openrouter
    $orBody = (Get-AllyFakeRequest $server)[0].Body
    $null = [Ally.Bench.RawOpenRouter]::Chat($orUrl, $key, $orBody)
    $openRouterSides = [ordered]@{
        ally = { Measure-Block { Invoke-AllyChat 'ping' -Provider openrouter } }
        raw  = { Measure-Block { [Ally.Bench.RawOpenRouter]::Chat($orUrl, $key, $orBody) } }
    }
    if ($PSOpenAIPath) {
        Import-Module $PSOpenAIPath
        $apiBase = "$($server.Url)api/v1"
        $null = Request-ChatCompletion -Message 'ping' -Model 'openai/gpt-4o' -ApiBase $apiBase -ApiKey $key
        $openRouterSides.psopenai = { Measure-Block { Request-ChatCompletion -Message 'ping' -Model 'openai/gpt-4o' -ApiBase $apiBase -ApiKey $key } }
    }
    $openRouter = Measure-Sides $openRouterSides
    Add-Row 'OpenRouter path per request: Invoke-AllyChat vs HttpClient' $openRouter.ally $openRouter.raw 'raw HttpClient' 'ms' -Format 'N3'
    if ($PSOpenAIPath) { Add-Row "OpenRouter path per request: Invoke-AllyChat vs PSOpenAI" $openRouter.ally $openRouter.psopenai 'Request-ChatCompletion' 'ms' -Format 'N3' }

    # (d) Long streamed answers, each client in its own process so memory figures are its own.
    Write-Host "(d) $Tokens-token streams: $Rounds rounds" -ForegroundColor Cyan
    $measure = @'
$p = [System.Diagnostics.Process]::GetCurrentProcess()
[GC]::Collect(); $p.Refresh(); $before = $p.WorkingSet64
$sw = [System.Diagnostics.Stopwatch]::StartNew()
{0}
$sw.Stop(); $p.Refresh()
[Console]::Error.WriteLine(('RESULT Ms={{0}} Growth={{1}}' -f $sw.Elapsed.TotalMilliseconds, (($p.PeakWorkingSet64 - $before) / 1MB)))
'@
    $olWarm = "Import-Module '$module'; `$null = Invoke-AllyChat 'warm' -MaxTokens 5 -Stream 6>`$null; "
    $rawOlWarm = "Add-Type -Path '$baselineDll'; `$null = [Ally.Bench.RawOllama]::Chat('$chatUrl', '{""model"":""llama3.1"",""messages"":[{""role"":""user"",""content"":""warm""}],""options"":{""num_predict"":5}}'); "
    $orWarm = "Import-Module '$module'; `$null = Invoke-AllyChat 'warm' -Provider openrouter -MaxTokens 5 -Stream 6>`$null; "
    $rawOrWarm = "Add-Type -Path '$baselineDll'; `$null = [Ally.Bench.RawOpenRouter]::Chat('$orUrl', '$key', '{""model"":""openai/gpt-4o"",""messages"":[{""role"":""user"",""content"":""warm""}],""max_tokens"":5,""stream"":true}'); "
    Set-AllyFakeBehavior $server @{ replyTokens = $Tokens }
    $streams = Measure-Sides ([ordered]@{
            ollama    = { Invoke-Child ($olWarm + ($measure -f "Invoke-AllyChat 'Write a long story' -Stream")) }
            rawOllama = { Invoke-Child ($rawOlWarm + ($measure -f "`$null = [Ally.Bench.RawOllama]::Stream('$chatUrl', '{""model"":""llama3.1"",""messages"":[{""role"":""user"",""content"":""Write a long story""}],""stream"":true}', [Console]::Out)")) }
            openrouter = { Invoke-Child ($orWarm + ($measure -f "Invoke-AllyChat 'Write a long story' -Provider openrouter -Stream")) }
            rawOpenRouter = { Invoke-Child ($rawOrWarm + ($measure -f "`$null = [Ally.Bench.RawOpenRouter]::Stream('$orUrl', '$key', '{""model"":""openai/gpt-4o"",""messages"":[{""role"":""user"",""content"":""Write a long story""}],""stream"":true}', [Console]::Out)")) }
        })
    Add-Row "$Tokens tokens, Ollama: stream rate vs a raw NDJSON read" $streams.ollama $streams.rawOllama 'raw HttpClient' 'ms' -Inverse -Format 'N0'
    Add-Row "$Tokens tokens, OpenRouter path: stream rate vs a raw SSE read" $streams.openrouter $streams.rawOpenRouter 'raw HttpClient' 'ms' -Inverse -Format 'N0'
    Add-Row "$Tokens tokens, Ollama: working-set growth" $streams.ollama $streams.rawOllama 'raw HttpClient' 'MiB' 'Growth' -Format 'N1'
    Add-Row "$Tokens tokens, OpenRouter path: working-set growth" $streams.openrouter $streams.rawOpenRouter 'raw HttpClient' 'MiB' 'Growth' -Format 'N1'
    Set-AllyFakeBehavior $server @{ replyTokens = $Tokens * 5 }
    $long = Measure-Sides ([ordered]@{
            ollama = { Invoke-Child ($olWarm + ($measure -f "Invoke-AllyChat 'Write a long story' -Stream")) }
        })
    Add-Row "$($Tokens * 5) vs $Tokens tokens: Ally's working-set growth" $long.ollama $streams.ollama "Ally at $Tokens tokens" 'MiB' 'Growth' -Format 'N1'

    # (e) A large file piped line by line.
    Write-Host "(e) $PipedKB KB piped as Get-Content lines: $Rounds rounds" -ForegroundColor Cyan
    Set-AllyFakeBehavior $server @{ reply = 'ok'; replyTokens = $null }
    $file = Join-Path ([IO.Path]::GetTempPath()) "ally-bench-$PID.txt"
    $line = 'The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.'
    [IO.File]::WriteAllLines($file, [string[]](1..[math]::Ceiling($PipedKB * 1024 / ($line.Length + 1)) | ForEach-Object { "$_ $line" }))
    try {
        $piped = Measure-Sides ([ordered]@{
                ally = {
                    $watch = [System.Diagnostics.Stopwatch]::StartNew()
                    $null = Get-Content $file | Invoke-AllyChat 'Summarise this file' -WarningAction SilentlyContinue
                    @{ Ms = $watch.Elapsed.TotalMilliseconds }
                }
                raw = {
                    $watch = [System.Diagnostics.Stopwatch]::StartNew()
                    $text = (Get-Content $file) -join "`n"
                    $body = '{"model":"llama3.1","messages":[{"role":"user","content":' + (ConvertTo-Json -InputObject "Summarise this file`n`n$text" -Compress) + '}],"stream":true}'
                    $null = [Ally.Bench.RawOllama]::Chat($chatUrl, $body)
                    @{ Ms = $watch.Elapsed.TotalMilliseconds }
                }
            })
        Add-Row "$PipedKB KB piped as Get-Content lines vs the same lines sent raw" $piped.ally $piped.raw 'Get-Content, join, raw HttpClient' 'ms' -Format 'N0'
    }
    finally {
        Remove-Item $file -ErrorAction Ignore
    }
    # (f) A tool call, and (g) structured output, in this process (a build from before -Tool skips them).
    if ((Get-Command Invoke-AllyChat).Parameters.ContainsKey('Tool')) {
        Write-Host "(f, g) tools and structured output: $Rounds rounds of $Requests" -ForegroundColor Cyan
        Set-AllyFakeBehavior $server @{ reply = $null; toolCalls = @(@{ name = 'Get-Date'; arguments = @{ Format = 'yyyy' } }) }
        Clear-AllyFakeRequest $server
        $null = Invoke-AllyChat 'Which year is it?' -Tool Get-Date
        $toolBody = (Get-AllyFakeRequest $server)[0].Json
        $toolBody.stream = $false
        $firstBody = $toolBody | ConvertTo-Json -Depth 20 -Compress
        $byHand = {
            $answer = Invoke-RestMethod -Method Post -Uri $chatUrl -Body $firstBody -ContentType 'application/json'
            $messages = [System.Collections.Generic.List[object]]::new()
            $messages.AddRange(@($toolBody.messages))
            $messages.Add($answer.message)
            foreach ($call in $answer.message.tool_calls) {
                $arguments = @{}
                foreach ($p in $call.function.arguments.PSObject.Properties) { $arguments[$p.Name] = $p.Value }
                $output = & $call.function.name @arguments | Out-String
                $messages.Add(@{ role = 'tool'; content = $output.Trim(); tool_name = $call.function.name; tool_call_id = $call.id })
            }
            $second = @{ model = $toolBody.model; messages = $messages; tools = $toolBody.tools; stream = $false } | ConvertTo-Json -Depth 20 -Compress
            (Invoke-RestMethod -Method Post -Uri $chatUrl -Body $second -ContentType 'application/json').message.content
        }
        $null = & $byHand
        $tools = Measure-Sides ([ordered]@{
                ally = { Measure-Block { Invoke-AllyChat 'Which year is it?' -Tool Get-Date } }
                irm  = { Measure-Block $byHand }
            })
        Add-Row 'a question with one tool call vs the same loop by hand' $tools.ally $tools.irm 'Invoke-RestMethod loop' 'ms' -Format 'N3'

        Set-AllyFakeBehavior $server @{ toolCalls = $null }
        $schema = @{ type = 'object'; properties = @{ name = @{ type = 'string' }; length = @{ type = 'integer' } }; required = @('name', 'length') }
        $formatBody = @{ model = 'llama3.1'; messages = @(@{ role = 'user'; content = 'Longest river' }); format = $schema; stream = $false } | ConvertTo-Json -Depth 10 -Compress
        $null = Invoke-AllyChat 'Longest river' -Schema $schema -AsObject
        $structured = Measure-Sides ([ordered]@{
                ally = { Measure-Block { Invoke-AllyChat 'Longest river' -Schema $schema -AsObject } }
                irm  = { Measure-Block { (Invoke-RestMethod -Method Post -Uri $chatUrl -Body $formatBody -ContentType 'application/json').message.content | ConvertFrom-Json } }
            })
        Add-Row 'structured output: -Schema -AsObject vs Invoke-RestMethod + ConvertFrom-Json' $structured.ally $structured.irm 'Invoke-RestMethod' 'ms' -Format 'N3'
    }
}
finally {
    Stop-AllyFakeServer $server
}

$results | Format-Table -AutoSize -Wrap | Out-String -Width 220 | Write-Host
