#Requires -Version 7.4
<#
.SYNOPSIS
    Helpers for Pester tests that talk to Ally's loopback fake servers (tests/Ally.FakeServers).

.DESCRIPTION
    Start-AllyFakeServer launches the fake as a child process whose stdin this session holds open:
    closing stdin stops it, and if the test run dies the pipe closes and the fake exits too, so no
    server outlives its tests. Everything else is a thin wrapper over the fake's /_fake/ control API
    (reset, behaviour and fault injection, model catalog, recorded requests), always on loopback,
    plus ConvertFrom-AllyFakeEmbedding to read a base64 embedding back into floats.

    Build the fake first:  dotnet build tests/Ally.FakeServers -c Release
#>

Set-StrictMode -Version 3.0

# Where a Release build of the fake lands, relative to this file (tests/).
$script:DefaultDll = Join-Path $PSScriptRoot 'Ally.FakeServers' 'bin' 'Release' 'net10.0' 'Ally.FakeServers.dll'

function Get-AllyFakeServerPath {
    <#
    .SYNOPSIS
        The fake server dll to run: $env:ALLY_FAKESERVER_DLL when set, else the Release build next to this module.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:ALLY_FAKESERVER_DLL) { return $env:ALLY_FAKESERVER_DLL }
    return $script:DefaultDll
}

function Get-DotnetHost {
    # Under `dotnet pwsh` this process *is* the dotnet host; reuse it so the fake runs on the same SDK.
    $processPath = [Environment]::ProcessPath
    if ($processPath -and [IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        return $processPath
    }

    if ($env:DOTNET_HOST_PATH -and (Test-Path -LiteralPath $env:DOTNET_HOST_PATH)) {
        return $env:DOTNET_HOST_PATH
    }

    $command = Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $command) {
        throw 'Cannot find the dotnet host to run the fake server (not on PATH, DOTNET_HOST_PATH unset).'
    }

    return $command.Source
}

function Start-AllyFakeServer {
    <#
    .SYNOPSIS
        Starts a fake server on 127.0.0.1 and returns an object with Url, Port, Flavor and Process.
    .PARAMETER Path
        The Ally.FakeServers.dll to run (default: Get-AllyFakeServerPath).
    .PARAMETER Port
        A fixed port; by default the fake picks a free one.
    .PARAMETER Flavor
        Ollama (default): fake Ollama under /api/ (chat, models, /api/embed), the fake OpenRouter API
        under /api/v1/ and the fake OpenAI embeddings API under /openai/v1/ (set
        ALLY_OPENAI_BASE_URL to "$($server.Url)openai/v1"; any "Bearer sk-..." key is accepted).
        LlamaCpp: a fake llama.cpp server (llama-server) alone: /health, /v1/models,
        /v1/chat/completions, /v1/embeddings; every other path, Ollama's included, answers llama.cpp's JSON 404.
    .PARAMETER TimeoutSeconds
        How long to wait for the fake's "Listening on" line.
    .EXAMPLE
        $server = Start-AllyFakeServer
        Invoke-RestMethod "$($server.Url)api/tags"
        Stop-AllyFakeServer $server
    .EXAMPLE
        $llama = Start-AllyFakeServer -Flavor LlamaCpp
        Invoke-RestMethod "$($llama.Url)v1/models"
    .EXAMPLE
        $server = Start-AllyFakeServer
        $env:ALLY_OPENAI_BASE_URL = "$($server.Url)openai/v1"
        Invoke-RestMethod "$($server.Url)openai/v1/embeddings" -Method Post -Headers @{ Authorization = 'Bearer sk-test' } `
            -ContentType 'application/json' -Body '{"model":"text-embedding-3-small","input":["a","b"]}'
    #>
    [CmdletBinding()]
    [OutputType('Ally.FakeServer')]
    param(
        [string] $Path = (Get-AllyFakeServerPath),
        [ValidateRange(0, 65535)]
        [int] $Port = 0,
        [ValidateSet('Ollama', 'LlamaCpp')]
        [string] $Flavor = 'Ollama',
        [ValidateRange(1, 600)]
        [int] $TimeoutSeconds = 30,
        # Serve https with this PKCS#12 file (see New-AllyTestCertificate) and its password.
        [string] $TlsPfx,
        [string] $TlsPassword,
        # Run the loopback forward proxy instead of a fake provider (see Start-AllyFakeProxy).
        [switch] $Proxy,
        [string] $ProxyAuth
    )

    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        throw "Fake server not found at '$Path'. Build it with: dotnet build tests/Ally.FakeServers -c Release (or set ALLY_FAKESERVER_DLL)."
    }

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new((Get-DotnetHost))
    $startInfo.ArgumentList.Add((Resolve-Path -LiteralPath $Path).ProviderPath)
    if ($Port -ne 0) {
        $startInfo.ArgumentList.Add('--port')
        $startInfo.ArgumentList.Add([string]$Port)
    }

    if ($Flavor -eq 'LlamaCpp') {
        $startInfo.ArgumentList.Add('--flavor')
        $startInfo.ArgumentList.Add('llamacpp')
    }

    if ($TlsPfx) {
        foreach ($a in '--tls-pfx', $TlsPfx, '--tls-password', $TlsPassword) { $startInfo.ArgumentList.Add($a) }
    }

    if ($Proxy) {
        $startInfo.ArgumentList.Add('--proxy')
        if ($ProxyAuth) { foreach ($a in '--proxy-auth', $ProxyAuth) { $startInfo.ArgumentList.Add($a) } }
    }

    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    # stdin is the fake's lifeline: it runs until this end of the pipe closes.
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = [System.Text.Encoding]::UTF8
    $startInfo.StandardErrorEncoding = [System.Text.Encoding]::UTF8

    $process = [System.Diagnostics.Process]::Start($startInfo)
    # Drain stderr from the start so a chatty failure can never block the child on a full pipe.
    $stderr = $process.StandardError.ReadToEndAsync()

    $lineTask = $process.StandardOutput.ReadLineAsync()
    $line = $null
    if ($lineTask.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) {
        $line = $lineTask.Result
    }

    if ($null -eq $line -or $line -notmatch '^Listening on (https?://127\.0\.0\.1:(\d+)/)$') {
        $what = if ($null -ne $line) { "unexpected first line '$line'" }
                elseif ($process.HasExited) { "it exited with code $($process.ExitCode)" }
                else { "no 'Listening on' line within $TimeoutSeconds s" }
        if (-not $process.HasExited) {
            $process.Kill($true)
        }

        $process.WaitForExit(5000) | Out-Null
        $errorText = if ($stderr.Wait(2000)) { $stderr.Result.Trim() } else { '' }
        $process.Dispose()
        throw "Fake server '$Path' did not start: $what. $errorText".Trim()
    }

    $url = $Matches[1]
    $boundPort = [int]$Matches[2]
    # The fake prints nothing more, but keep reading so stdout can never fill up either.
    $stdout = $process.StandardOutput.ReadToEndAsync()

    [pscustomobject]@{
        PSTypeName = 'Ally.FakeServer'
        Url        = $url
        Port       = $boundPort
        Flavor     = $Flavor
        Process    = $process
        Path       = $Path
        StdErr     = $stderr
        StdOut     = $stdout
        Stopped    = $false
    }
}

function Stop-AllyFakeServer {
    <#
    .SYNOPSIS
        Stops a fake: closes its stdin, waits up to 5 seconds, then kills it. Safe to call twice.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server
    )

    process {
        if ($Server.Stopped) { return }

        $process = $Server.Process
        try {
            if (-not $process.HasExited) {
                # EOF on stdin is the fake's signal to shut down cleanly.
                try { $process.StandardInput.Close() } catch [System.IO.IOException] { }
                if (-not $process.WaitForExit(5000)) {
                    $process.Kill($true)
                    $process.WaitForExit(5000) | Out-Null
                }
            }
        }
        finally {
            $process.Dispose()
            $Server.Stopped = $true
        }
    }
}

function Invoke-AllyFakeControl {
    # One call to the control API. Loopback only, no proxy, JSON in and out.
    param(
        [Parameter(Mandatory)] [psobject] $Server,
        [Parameter(Mandatory)] [string] $Method,
        [Parameter(Mandatory)] [string] $Path,
        [object] $Body,
        [switch] $HasBody
    )

    $uri = [Uri]::new([Uri]$Server.Url, "_fake/$Path")
    if (-not $uri.IsLoopback) {
        throw "Refusing to send fake-server control calls to non-loopback address '$uri'."
    }

    $parameters = @{
        Uri        = $uri
        Method     = $Method
        NoProxy    = $true
        TimeoutSec = 30
    }
    # The harness's own calls to an https fake (its certificate is made by the test itself).
    if ($uri.Scheme -eq 'https') { $parameters.SkipCertificateCheck = $true }
    if ($HasBody) {
        $parameters.Body = ConvertTo-Json -InputObject $Body -Depth 32 -Compress
        $parameters.ContentType = 'application/json; charset=utf-8'
    }

    Invoke-RestMethod @parameters
}

function Reset-AllyFakeServer {
    <#
    .SYNOPSIS
        Back to defaults: default catalog, default behaviour, no faults, no queued replies, no recorded requests.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server
    )

    process {
        Invoke-AllyFakeControl -Server $Server -Method Post -Path 'reset' | Out-Null
    }
}

function Set-AllyFakeBehavior {
    <#
    .SYNOPSIS
        Changes how the fake answers (POST /_fake/behavior). Fields not given keep their value; $null resets one.
    .PARAMETER Behavior
        Any of: reply, replyTokens, thinking, chunkDelayMs, responseDelayMs,
        midStreamError @{afterChunks; message}, stallAfterChunks, truncateAfterChunks,
        malformedAfterChunks (a cut-off JSON line after K content chunks, then the stream ends),
        closeAfterStream ($true: the server closes the connection after each streamed answer;
        default $false, $true in the LlamaCpp flavor),
        shuffleEmbeddings ($true: the OpenAI face's and llama.cpp's /v1/embeddings list data[] out of
        input order, each item keeping its index; the same batch size always gives the same order),

        Tools and structured output (Ollama /api/chat, OpenRouter and llama.cpp chat completions):
        toolCalls @(@{ name = 'get_weather'; arguments = @{ city = 'Tokyo' } }, ...)
            the calls the model makes when the request offers tools and its last message is NOT a
            tool result; arguments are an object (each face renders it its way: Ollama an object,
            OpenRouter a compact JSON string, llama.cpp a JSON string with the model's spaces). The
            name need not be one of the offered tools. Several calls are made in one turn. A turn
            that calls tools has no text. After tool results (last message role 'tool') the model
            answers text instead: reply if set, else 'Tool results: ' + the trailing tool messages'
            contents joined with ' | '.
        toolLoop ($true: the model calls the tools again even after tool results; default $false),
        toolCallIds ($false: Ollama's calls have neither id nor function.index, as older servers
            send them; llama.cpp's have "id":""; default $true: Ollama 'call_' + 8 characters,
            llama.cpp 32 characters; OpenRouter always has ids),
        ignoreFormat ($true: Ollama's format and OpenAI's response_format are ignored, plain text
            answers; default $false). Otherwise a request with format "json" / a JSON Schema
            (Ollama; ignored when the model thinks) or response_format json_object / json_schema
            (OpenRouter: only models whose supported_parameters list response_format; llama.cpp)
            and no fixed reply is answered with JSON: for a schema an instance generated from it
            (every property; strings 'example' or the first enum/const; numbers 1 moved into
            minimum/maximum; booleans $true; arrays max(1, minItems) items; anyOf/oneOf the first),
            for plain JSON mode @{ answer = 'You said: <last user message>' }.
        replies: a queue of scripted turns, each @{ reply = '...'; thinking = '...'; toolCalls = @(...) }
            (any of the three). Each chat request the model answers (not one failed by failNext or
            refused by a check; shared by all faces) takes the next entry; its reply/thinking replace
            the standing ones for that request and the tool-call rules above do not apply: the turn
            makes the entry's toolCalls when the request offers tools (an entry without toolCalls
            calls nothing), else answers its reply, else the standing reply, the JSON or the echo.
            Once the queue is empty the standing behaviour applies again. Setting replies replaces
            the queue; Get-AllyFakeBehavior shows what is left; Reset-AllyFakeServer empties it.
            A fixed reply always wins over format: this is how re-asking is tested.

        failNext: a queue of entries, each one of
          @{ status = 503; error = '...'; path = '/api/chat'; retryAfter = 2 }  the face's own error
          @{ status = 429; code = 'insufficient_quota'; path = '/openai/v1/embeddings' }
                                                                                the OpenAI face's error with that code
          @{ status = 502; html = $true; path = '...' }                         a proxy's HTML error page
          @{ reset = $true; path = '...' }                                      the connection drops, no answer
        An entry applies to its path only: '/api/chat' when none is given ('/v1/chat/completions' in
        the LlamaCpp flavor), so embedding faults name '/api/embed', '/openai/v1/embeddings' or
        '/v1/embeddings'. (New-AllyFakeFailure builds them; a single entry need not be wrapped in @()).
    .EXAMPLE
        Set-AllyFakeBehavior $server @{ reply = 'Hi'; midStreamError = @{ afterChunks = 2; message = 'boom' } }
    .EXAMPLE
        Set-AllyFakeBehavior $server @{ failNext = @(@{ reset = $true; path = '/api/chat' }, @{ status = 502; html = $true }) }
    .EXAMPLE
        Set-AllyFakeBehavior $server @{ shuffleEmbeddings = $true; failNext = @{ status = 503; path = '/api/embed' } }
    .EXAMPLE
        # A tool round: the first request (user question) gets the call, the next (with the tool result) 'Tool results: ...'.
        Set-AllyFakeBehavior $server @{ toolCalls = @{ name = 'get_weather'; arguments = @{ city = 'Tokyo' } } }
    .EXAMPLE
        # Structured output re-asked: a wrong answer first, then a valid one; later requests get the schema's instance.
        Set-AllyFakeBehavior $server @{ replies = @(@{ reply = 'not JSON' }, @{ reply = '{"city":"Paris"}' }) }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [Parameter(Mandatory, Position = 1)]
        [object] $Behavior,
        # Return the fake's behaviour after the change.
        [switch] $PassThru
    )

    # failNext, replies and toolCalls are arrays: a lone entry, e.g. @{ failNext = @{ reset = $true } } or
    # a one-item pipeline result PowerShell unrolled, is sent as an array of one (so is a lone toolCalls
    # entry inside a replies entry). The caller's tables are not changed.
    $isEntry = { param($value) $value -is [System.Collections.IDictionary] -or $value -is [System.Management.Automation.PSCustomObject] }
    if ($Behavior -is [System.Collections.IDictionary]) {
        $copy = [ordered]@{}
        foreach ($key in $Behavior.Keys) { $copy[$key] = $Behavior[$key] }
        foreach ($key in 'failNext', 'replies', 'toolCalls') {
            if ($copy.Contains($key) -and (& $isEntry $copy[$key])) { $copy[$key] = @($copy[$key]) }
        }

        if ($copy.Contains('replies') -and $null -ne $copy['replies']) {
            $copy['replies'] = @(foreach ($entry in $copy['replies']) {
                if ($entry -is [System.Collections.IDictionary] -and $entry.Contains('toolCalls') -and (& $isEntry $entry['toolCalls'])) {
                    $entryCopy = [ordered]@{}
                    foreach ($key in $entry.Keys) { $entryCopy[$key] = $entry[$key] }
                    $entryCopy['toolCalls'] = @($entry['toolCalls'])
                    $entryCopy
                }
                else { $entry }
            })
        }

        $Behavior = $copy
    }

    $result = Invoke-AllyFakeControl -Server $Server -Method Post -Path 'behavior' -Body $Behavior -HasBody
    if ($PassThru) { $result }
}

function New-AllyFakeFailure {
    <#
    .SYNOPSIS
        One failNext entry for Set-AllyFakeBehavior: the next request to -Path fails this way.
    .DESCRIPTION
        -Status alone: the face's own error body (Ollama {"error":"..."}, OpenRouter's and llama.cpp's
        {"error":{"code":N,...}}, OpenAI's {"error":{"message","type","param","code"}}) with -Message
        (default: the face's usual text for the status). -Code picks which OpenAI error of that status:
        for 429 'rate_limit_exceeded' (the default) or 'insufficient_quota'; for other statuses it is
        the body's code. Other faces ignore -Code. -Status with -Html: a proxy's (nginx) HTML error page,
        text/html. -Reset: the fake reads the whole request and drops the connection without a byte of
        answer (a pooled connection that died, a server restart).
        -Path defaults to the flavor's chat path (/api/chat; /v1/chat/completions for LlamaCpp).
    .EXAMPLE
        Set-AllyFakeBehavior $server @{ failNext = @(New-AllyFakeFailure -Reset; New-AllyFakeFailure -Status 502 -Html -Path '/api/tags') }
    .EXAMPLE
        $path = '/openai/v1/embeddings'
        Set-AllyFakeBehavior $server @{ failNext = @(
            New-AllyFakeFailure -Status 429 -RetryAfter 1 -Path $path
            New-AllyFakeFailure -Status 429 -Code insufficient_quota -Path $path) }
    #>
    [CmdletBinding(DefaultParameterSetName = 'Status')]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Status', Position = 0)]
        [ValidateRange(100, 599)]
        [int] $Status,
        # The error message (Status entries only; by default the face's own text for the status, Ollama's
        # queue-full text on the Ollama, OpenRouter and llama.cpp faces).
        [Parameter(ParameterSetName = 'Status')]
        [string] $Message,
        # Which of the OpenAI face's errors of this status, e.g. 'insufficient_quota' for a 429.
        [Parameter(ParameterSetName = 'Status')]
        [ValidateNotNullOrEmpty()]
        [string] $Code,
        # Answer with a proxy's HTML page instead of the face's JSON error.
        [Parameter(ParameterSetName = 'Status')]
        [switch] $Html,
        # Seconds for a Retry-After header.
        [Parameter(ParameterSetName = 'Status')]
        [ValidateRange(0, [int]::MaxValue)]
        [int] $RetryAfter = -1,
        # Drop the connection instead of answering.
        [Parameter(Mandatory, ParameterSetName = 'Reset')]
        [switch] $Reset,
        # The request path the entry applies to, e.g. '/api/chat', '/api/embed', '/api/v1/models',
        # '/openai/v1/embeddings', '/v1/chat/completions', '/v1/embeddings'.
        [string] $Path
    )

    $entry = [ordered]@{}
    if ($Reset) {
        $entry.reset = $true
    }
    else {
        $entry.status = $Status
        if ($Html) { $entry.html = $true }
        if ($PSBoundParameters.ContainsKey('Message')) { $entry.error = $Message }
        if ($Code) { $entry.code = $Code }
        if ($RetryAfter -ge 0) { $entry.retryAfter = $RetryAfter }
    }

    if ($Path) { $entry.path = $Path }
    $entry
}

function Get-AllyFakeBehavior {
    <#
    .SYNOPSIS
        The fake's current behaviour, including queued failNext entries and the replies not yet taken.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server
    )

    process {
        Invoke-AllyFakeControl -Server $Server -Method Get -Path 'behavior'
    }
}

function Set-AllyFakeModel {
    <#
    .SYNOPSIS
        Sets the fake Ollama's installed models (replace by default; -Add adds them; -Registry makes them pullable only).
    .PARAMETER Model
        Model objects: @{ name = 'llama3.2'; capabilities = @('completion','tools'); size; family;
        parameter_size; quantization_level; context_length; embedding_length; digest; modified_at }.
        Only name is required.
    .EXAMPLE
        Set-AllyFakeModel $server @(@{ name = 'gemma:2b'; capabilities = @('completion') })
    #>
    [CmdletBinding(DefaultParameterSetName = 'Replace')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [Parameter(Mandatory, Position = 1)]
        [AllowEmptyCollection()]
        [object[]] $Model,
        [Parameter(ParameterSetName = 'Add')]
        [switch] $Add,
        [Parameter(ParameterSetName = 'Registry')]
        [switch] $Registry,
        # Return the resulting model list.
        [switch] $PassThru
    )

    $result = $null
    if ($Add -or $Registry) {
        $path = if ($Registry) { 'registry' } else { 'models' }
        foreach ($item in $Model) {
            $result = Invoke-AllyFakeControl -Server $Server -Method Post -Path $path -Body $item -HasBody
        }
    }
    else {
        # -InputObject keeps a one-element list a JSON array.
        $result = Invoke-AllyFakeControl -Server $Server -Method Put -Path 'models' -Body @($Model) -HasBody
    }

    if ($PassThru) { $result }
}

function Get-AllyFakeRequest {
    <#
    .SYNOPSIS
        The requests the fake received (oldest first), each with Method, Path, Query, Headers, Body
        and Json (the body parsed with ConvertFrom-Json, or $null when it is not JSON).
    .PARAMETER Path
        Only requests to this path, e.g. '/api/chat'.
    .EXAMPLE
        # How many texts each embedding request carried (input is a string or an array of strings).
        Get-AllyFakeRequest $server -Path '/openai/v1/embeddings' | ForEach-Object { @($_.Json.input).Count }
    .EXAMPLE
        (Get-AllyFakeRequest $server -Path '/api/embed')[-1].Json.input   # the texts of the last /api/embed call
    .EXAMPLE
        # What the client offered and asked for: tools, Ollama's format, OpenAI's response_format, the messages sent back.
        $last = (Get-AllyFakeRequest $server -Path '/api/chat')[-1].Json
        $last.tools.function.name; $last.format; $last.messages | Where-Object role -eq 'tool'
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [string] $Path
    )

    process {
        $requests = Invoke-AllyFakeControl -Server $Server -Method Get -Path 'requests'
        foreach ($request in $requests) {
            if ($Path -and $request.path -ne $Path) { continue }

            $json = $null
            $text = [string]$request.body
            if ($text.TrimStart().StartsWith('{') -or $text.TrimStart().StartsWith('[')) {
                try { $json = ConvertFrom-Json -InputObject $text -Depth 100 -ErrorAction Stop }
                catch { $json = $null }
            }

            $request.PSObject.TypeNames.Insert(0, 'Ally.FakeServer.Request')
            $request | Add-Member -NotePropertyName Json -NotePropertyValue $json -PassThru
        }
    }
}

function Clear-AllyFakeRequest {
    <#
    .SYNOPSIS
        Forgets the recorded requests.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server
    )

    process {
        Invoke-AllyFakeControl -Server $Server -Method Delete -Path 'requests' | Out-Null
    }
}

function Set-AllyFakeOpenRouter {
    <#
    .SYNOPSIS
        Configures the fake OpenRouter account (POST /_fake/openrouter/config).
    .PARAMETER Config
        Any of: requireKey (bool; $false = an OpenAI-compatible server without keys), legacyKeyEndpoint
        (bool; /key answers 404, only /auth/key works), crlf (bool; SSE lines end in CRLF),
        keys @(@{key; limit; limit_remaining; usage; is_free_tier; rate_limit_requests; rate_limit_interval}).
    .EXAMPLE
        Set-AllyFakeOpenRouter $server @{ keys = @(@{ key = 'sk-or-v1-test'; limit_remaining = 0 }) }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [Parameter(Mandatory, Position = 1)]
        [hashtable] $Config
    )

    Invoke-AllyFakeControl -Server $Server -Method Post -Path 'openrouter/config' -Body $Config -HasBody | Out-Null
}

function Set-AllyFakeOllamaConfig {
    <#
    .SYNOPSIS
        Configures the fake Ollama's machine (POST /_fake/ollama/config; Ollama flavor).
        Fields not given keep their value; $null resets one.
    .PARAMETER Config
        availableMemory (bytes; $null, the default, = enough for any model): loading a model larger than
        this (its size as /api/tags reports it) answers 500 {"error":"model requires more system memory
        (X GiB) than is available (Y GiB)"} on /api/chat and /api/embed, as Ollama does; smaller models
        load, unloading idle ones to make room.
    .EXAMPLE
        Set-AllyFakeOllamaConfig $server @{ availableMemory = 2GB }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [Parameter(Mandatory, Position = 1)]
        [System.Collections.IDictionary] $Config,
        # Return the configuration after the change.
        [switch] $PassThru
    )

    $result = Invoke-AllyFakeControl -Server $Server -Method Post -Path 'ollama/config' -Body $Config -HasBody
    if ($PassThru) { $result }
}

function Set-AllyFakeLlamaCppConfig {
    <#
    .SYNOPSIS
        Configures the fake llama.cpp server (POST /_fake/llamacpp/config; Start-AllyFakeServer -Flavor LlamaCpp).
        Fields not given keep their value; $null resets one.
    .PARAMETER Config
        Any of: apiKey (string; $null = no key: like --api-key, every route but /health then needs
        "Authorization: Bearer KEY" or "X-Api-Key: KEY"), contextSize (int, default 4096; prompts of
        that many tokens or more get 400 exceed_context_size_error), usageAlways (bool; usage in every
        stream, not only with stream_options.include_usage), usageChunk ('last' = on the finish chunk
        beside timings, 'separate' = an extra chunk with choices:[]), firstChunkRole (bool; a first
        chunk {"role":"assistant","content":null}), modelAlias (string; the model name every answer reports),
        embeddings (bool, default $true, like --embeddings; $false: /v1/embeddings answers 501
        not_supported_error), batchSize (int, default 512, like --ubatch-size: an embedding input of
        more tokens, words + 1, gets 500 "input (N tokens) is too large to process...").
    .EXAMPLE
        Set-AllyFakeLlamaCppConfig $llama @{ apiKey = 'secret'; contextSize = 256 }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [Parameter(Mandatory, Position = 1)]
        [System.Collections.IDictionary] $Config,
        # Return the configuration after the change.
        [switch] $PassThru
    )

    $result = Invoke-AllyFakeControl -Server $Server -Method Post -Path 'llamacpp/config' -Body $Config -HasBody
    if ($PassThru) { $result }
}

function Get-AllyFakeLlamaCppConfig {
    <#
    .SYNOPSIS
        The fake llama.cpp server's configuration (GET /_fake/llamacpp/config).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server
    )

    process {
        Invoke-AllyFakeControl -Server $Server -Method Get -Path 'llamacpp/config'
    }
}

function Set-AllyFakeOpenAIConfig {
    <#
    .SYNOPSIS
        Configures the fake OpenAI embeddings API under /openai/v1 (POST /_fake/openai/config; Ollama flavor).
        Fields not given keep their value; $null resets one.
    .PARAMETER Config
        apiKey (string): the one key "Authorization: Bearer KEY" must carry; $null (the default) accepts
        any key that starts with 'sk-'. A missing key or one not accepted answers 401 in OpenAI's words.
    .EXAMPLE
        Set-AllyFakeOpenAIConfig $server @{ apiKey = 'sk-ally-test-key' }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server,
        [Parameter(Mandatory, Position = 1)]
        [System.Collections.IDictionary] $Config,
        # Return the configuration after the change.
        [switch] $PassThru
    )

    $result = Invoke-AllyFakeControl -Server $Server -Method Post -Path 'openai/config' -Body $Config -HasBody
    if ($PassThru) { $result }
}

function Get-AllyFakeOpenAIConfig {
    <#
    .SYNOPSIS
        The fake OpenAI embeddings API's configuration (GET /_fake/openai/config).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [PSTypeName('Ally.FakeServer')]
        [psobject] $Server
    )

    process {
        Invoke-AllyFakeControl -Server $Server -Method Get -Path 'openai/config'
    }
}

function ConvertFrom-AllyFakeEmbedding {
    <#
    .SYNOPSIS
        An embedding as float[]: a base64 string (encoding_format base64: little-endian float32 bytes)
        is decoded, an array of numbers is converted. Both forms of the same vector give equal floats.
    .EXAMPLE
        $r = Invoke-RestMethod ... -Body '{"model":"text-embedding-3-small","input":"a","encoding_format":"base64"}'
        ConvertFrom-AllyFakeEmbedding $r.data[0].embedding
    #>
    [CmdletBinding()]
    [OutputType([float[]])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [object] $Embedding
    )

    process {
        if ($Embedding -is [string]) {
            $bytes = [Convert]::FromBase64String($Embedding)
            if (-not [BitConverter]::IsLittleEndian) {
                # The wire order is little-endian whatever the host: turn each float's 4 bytes round.
                for ($i = 0; $i -lt $bytes.Length; $i += 4) { [Array]::Reverse($bytes, $i, 4) }
            }

            $floats = [float[]]::new([Math]::Floor($bytes.Length / 4))
            for ($i = 0; $i -lt $floats.Length; $i++) {
                $floats[$i] = [BitConverter]::ToSingle($bytes, $i * 4)
            }
        }
        else {
            $floats = [float[]]@($Embedding)
        }

        # One array, not its elements, down the pipeline.
        , $floats
    }
}

function Get-AllyFreePort {
    <#
    .SYNOPSIS
        A loopback port with nothing listening on it, for connection-refused tests.
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param()

    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    try {
        $listener.Start()
        ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
    }
    finally {
        $listener.Stop()
    }
}

function Start-AllyFakeProxy {
    <#
    .SYNOPSIS
        Starts the loopback forward proxy (plain requests forwarded, CONNECT tunnelled, only to
        loopback targets); with -Credential 'user:password' it answers 407 without that Basic auth.
    #>
    [CmdletBinding()]
    param([string] $Credential)
    $server = if ($Credential) { Start-AllyFakeServer -Proxy -ProxyAuth $Credential } else { Start-AllyFakeServer -Proxy }
    $server.Flavor = 'Proxy'
    $server
}

function Get-AllyFakeProxyRequest {
    <#
    .SYNOPSIS
        What reached the proxy: method, target (absolute URL, or host:port for CONNECT), hadCredentials, authorized, status.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $Proxy)
    @(Invoke-RestMethod -Uri "$($Proxy.Url)_proxy/requests" -NoProxy -TimeoutSec 30) | ForEach-Object { $_ }
}

function Reset-AllyFakeProxy {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $Proxy)
    Invoke-RestMethod -Uri "$($Proxy.Url)_proxy/reset" -Method Post -NoProxy -TimeoutSec 30 | Out-Null
}

function New-AllyTestCertificate {
    <#
    .SYNOPSIS
        Makes a throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it, in
        -Directory: ca.pem (the CA, PEM), server.pfx (the server's certificate and key, password
        -Password). -Expired makes the server certificate's validity end yesterday; -Name replaces
        the names it is issued for.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [string] $Password = 'ally-test',
        [string] $CaName = 'Ally Test CA',
        [switch] $Expired,
        [string[]] $Name = @('localhost')
    )
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $now = [DateTimeOffset]::UtcNow
    $caKey = [System.Security.Cryptography.RSA]::Create(2048)
    $caRequest = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$CaName", $caKey,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $caRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $caRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
        [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'KeyCertSign, CrlSign', $true))
    $caRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($caRequest.PublicKey, $false))
    $ca = $caRequest.CreateSelfSigned($now.AddDays(-2), $now.AddDays(30))

    $key = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$($Name[0])", $key,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $false))
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
        [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment', $true))
    $usages = [System.Security.Cryptography.OidCollection]::new()
    $null = $usages.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usages, $false))
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    foreach ($n in $Name) {
        $ip = $null
        if ([System.Net.IPAddress]::TryParse($n, [ref]$ip)) { $san.AddIpAddress($ip) } else { $san.AddDnsName($n) }
    }
    $request.CertificateExtensions.Add($san.Build())
    $notAfter = if ($Expired) { $now.AddDays(-1) } else { $now.AddDays(7) }
    $serial = [byte[]](1..8 | ForEach-Object { Get-Random -Maximum 256 })
    $serial[0] = $serial[0] -band 0x7f
    $issued = $request.Create($ca, $now.AddDays(-1 - [int][bool]$Expired), $notAfter, $serial)
    $server = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($issued, $key)

    $caPem = Join-Path $Directory 'ca.pem'
    Set-Content -LiteralPath $caPem -Value $ca.ExportCertificatePem() -Encoding ascii
    $pfx = Join-Path $Directory 'server.pfx'
    [IO.File]::WriteAllBytes($pfx, $server.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pfx, $Password))
    [pscustomobject]@{ CaPem = $caPem; Pfx = $pfx; Password = $Password }
}

Export-ModuleMember -Function @(
    'Start-AllyFakeProxy'
    'Get-AllyFakeProxyRequest'
    'Reset-AllyFakeProxy'
    'New-AllyTestCertificate'
    'Set-AllyFakeOpenRouter'
    'Set-AllyFakeOllamaConfig'
    'Get-AllyFakeServerPath'
    'Start-AllyFakeServer'
    'Stop-AllyFakeServer'
    'Reset-AllyFakeServer'
    'Set-AllyFakeBehavior'
    'Get-AllyFakeBehavior'
    'New-AllyFakeFailure'
    'Set-AllyFakeLlamaCppConfig'
    'Get-AllyFakeLlamaCppConfig'
    'Set-AllyFakeOpenAIConfig'
    'Get-AllyFakeOpenAIConfig'
    'ConvertFrom-AllyFakeEmbedding'
    'Set-AllyFakeModel'
    'Get-AllyFakeRequest'
    'Clear-AllyFakeRequest'
    'Get-AllyFreePort'
)
