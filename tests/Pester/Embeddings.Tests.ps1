#Requires -Version 7.4
# Embeddings and semantic search: New-AllyEmbedding with the simple, ollama and openai providers,
# chunking, Search-AllyEmbedding, saved sets and their refresh — against the fake Ollama /api/embed
# and the fake OpenAI /v1/embeddings (protocols §1.10, §4).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'ALLY_EMBEDDING_PROVIDER', 'ALLY_EMBEDDING_MODEL', 'OPENAI_API_KEY',
        'ALLY_OPENAI_BASE_URL', 'ALLY_SECRET_VAULT', 'ALLY_MAX_RETRY'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    $script:openaiUrl = "$($server.Url)openai/v1"
    $script:key = 'sk-ally-test-0123456789abcdef0123456789abcdef'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ("ally-emb-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory $work | Out-Null
    function Get-EmbedRequest { @(Get-AllyFakeRequest $server -Path '/api/embed') }
    function Get-OpenAIRequest { @(Get-AllyFakeRequest $server -Path '/openai/v1/embeddings') }
    function New-Doc([string] $Name, [string[]] $Lines) {
        $path = Join-Path $work $Name
        New-Item -ItemType Directory -Force (Split-Path $path) | Out-Null
        [IO.File]::WriteAllLines($path, $Lines)
        Get-Item $path
    }
    function Get-Sum([float[]] $v) { $s = 0.0; foreach ($x in $v) { $s += [double]$x * $x }; [Math]::Sqrt($s) }
}

AfterAll {
    Stop-AllyFakeServer $server
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

Describe 'New-AllyEmbedding' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
        $env:ALLY_OPENAI_BASE_URL = $openaiUrl
    }

    Context 'simple (the default)' {
        It 'embeds a string offline into a unit-length Ally.Embedding' {
            $e = New-AllyEmbedding 'some text about pipelines'
            $e | Should -BeOfType ([Ally.Embedding])
            $e.Provider | Should -Be 'simple'
            $e.Model | Should -Be 'hash-v1'
            $e.Text | Should -Be 'some text about pipelines'
            $e.Vector.GetType() | Should -Be ([float[]])
            $e.Dimensions | Should -Be $e.Vector.Length
            [Math]::Abs((Get-Sum $e.Vector) - 1) | Should -BeLessThan 1e-5
            Get-EmbedRequest | Should -BeNullOrEmpty
        }

        It 'keeps piped items in order and gives the same text the same vector, in another process too' {
            $items = 'alpha beta', 'gamma delta', 'alpha beta' | New-AllyEmbedding
            $items.Text | Should -Be @('alpha beta', 'gamma delta', 'alpha beta')
            ($items[0].Vector -join ',') | Should -Be ($items[2].Vector -join ',')
            ($items[0].Vector -join ',') | Should -Not -Be ($items[1].Vector -join ',')
            $child = Invoke-ChildPwsh -Script "Import-Module '$env:ALLY_TEST_MODULE'; (New-AllyEmbedding 'alpha beta').Vector -join ','" -Environment @{ ALLY_EMBEDDING_PROVIDER = $null }
            $child.StdOut.Trim() | Should -Be ($items[0].Vector -join ',')
        }

        It 'makes vectors of -Dimensions' {
            (New-AllyEmbedding 'x y z' -Dimensions 64).Dimensions | Should -Be 64
        }

        It 'reads piped files as their text, with their path and lines' {
            $a = New-Doc 'files/a.md' @('# Alpha', '', 'The alpha document.')
            $b = New-Doc 'files/b.md' @('Beta')
            Push-Location $work
            try { $set = Get-ChildItem files -Filter *.md | New-AllyEmbedding }
            finally { Pop-Location }
            $set.Count | Should -Be 2
            $set[0].Source | Should -Be (Join-Path 'files' 'a.md')
            $set[0].StartLine | Should -Be 1
            $set[0].EndLine | Should -Be 3
            $set[0].Text | Should -BeLike '# Alpha*The alpha document.*'
            $set[0].InputObject | Should -BeOfType ([IO.FileInfo])
            $set[1].Location | Should -Be "$(Join-Path 'files' 'b.md'):1"
        }

        It 'keeps the file and line number of Get-Content lines' {
            $f = New-Doc 'lines.txt' @('first line', 'second line', 'third line')
            $set = Get-Content $f.FullName | New-AllyEmbedding
            $set.StartLine | Should -Be @(1, 2, 3)
            $set[2].Source | Should -Be $f.FullName
        }

        It 'splits long text into ordered chunks that keep their lines, with -ChunkSize and -ChunkOverlap' {
            $lines = 1..120 | ForEach-Object { "Line $_ of the long document talks about topic number $_." }
            $f = New-Doc 'long.md' $lines
            $set = $f | New-AllyEmbedding -ChunkSize 100 -ChunkOverlap 20
            $set.Count | Should -BeGreaterThan 5
            $set.ChunkIndex | Should -Be (0..($set.Count - 1))
            $set[0].StartLine | Should -Be 1
            $set[-1].EndLine | Should -Be 120
            for ($i = 1; $i -lt $set.Count; $i++) {
                $set[$i].StartLine | Should -BeGreaterThan $set[$i - 1].StartLine
                # The overlap: each chunk starts at or before the line where the one before ended.
                $set[$i].StartLine | Should -BeLessOrEqual ($set[$i - 1].EndLine + 1)
            }
            $set[3].Text | Should -BeLike "Line $($set[3].StartLine) of*"
        }

        It 'fails an empty item with EmptyInput and goes on' {
            $out = 'one', '', 'three' | New-AllyEmbedding -ErrorVariable errs -ErrorAction SilentlyContinue
            $out.Text | Should -Be @('one', 'three')
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'EmptyInput*'
        }

        It 'refuses -ChunkOverlap without -ChunkSize, or as large as it, before any work' {
            { 'x' | New-AllyEmbedding -ChunkOverlap 10 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination*'
            { 'x' | New-AllyEmbedding -ChunkSize 64 -ChunkOverlap 64 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination*'
        }

        It 'refuses providers that cannot embed, naming those that can' {
            $err = { New-AllyEmbedding 'x' -Provider openrouter -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'UnknownProvider*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*ollama*openai*simple*'
            $env:ALLY_EMBEDDING_PROVIDER = 'nonsense'
            { New-AllyEmbedding 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownProvider*'
        }

        It 'does not let the simple provider make a chat, nor chat providers take simple' {
            { Invoke-AllyChat 'hi' -Provider simple -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownProvider*'
        }
    }

    Context 'ollama' {
        It 'takes the provider and model from ALLY_EMBEDDING_PROVIDER and ALLY_EMBEDDING_MODEL, and batches many inputs per request' {
            $env:ALLY_EMBEDDING_PROVIDER = 'ollama'
            $set = 1..40 | ForEach-Object { "document number $_" } | New-AllyEmbedding
            $set.Count | Should -Be 40
            $set.Text | Should -Be (1..40 | ForEach-Object { "document number $_" })
            $set[0].Provider | Should -Be 'ollama'
            $set[0].Model | Should -Be 'nomic-embed-text'
            $set[0].Dimensions | Should -Be 768
            # Three requests (16, 16, 8), sent at once: the server may see them in any order.
            $requests = Get-EmbedRequest | Sort-Object { -@($_.Json.input).Count }, { $_.Json.input[0] }
            $requests.Count | Should -Be 3
            (@($requests | ForEach-Object { @($_.Json.input).Count }) -join ',') | Should -Be '16,16,8'
            # nomic-embed-text is trained with task prefixes: documents carry search_document:.
            @($requests | ForEach-Object { $_.Json.input }) | Should -Contain 'search_document: document number 1'
            $requests[0].Json.truncate | Should -BeFalse
            $set[0].UsesTaskPrefix | Should -BeTrue
            $set[0].Text | Should -Be 'document number 1'
        }

        It 'leaves the prefix out with -NoTaskPrefix, and passes -Dimensions through' {
            $e = New-AllyEmbedding 'plain text' -Provider ollama -NoTaskPrefix -Dimensions 256
            $e.Dimensions | Should -Be 256
            $e.UsesTaskPrefix | Should -BeFalse
            (Get-EmbedRequest)[0].Json.input[0] | Should -Be 'plain text'
            (Get-EmbedRequest)[0].Json.dimensions | Should -Be 256
        }

        It 'says how to install a missing model, once, and stops' {
            $err = { 'a', 'b' | New-AllyEmbedding -Provider ollama -Model all-minilm -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*Install-AllyModel all-minilm*'
            Get-EmbedRequest | Should -BeNullOrEmpty
        }

        It 'says a chat model cannot embed, and what to use instead, before sending anything' {
            $err = { New-AllyEmbedding 'x' -Provider ollama -Model llama3.1 -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'EmbeddingNotSupported*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*nomic-embed-text*Get-AllyModel -Recommended*'
            Get-EmbedRequest | Should -BeNullOrEmpty
        }

        It 'fails only an input longer than the model takes, with its length and the limit; -ChunkSize embeds it' {
            $long = (1..3000 | ForEach-Object { "word$_" }) -join ' '
            $out = 'short one', $long, 'short two' | New-AllyEmbedding -Provider ollama -ErrorVariable errs -ErrorAction SilentlyContinue
            $out.Text | Should -Be @('short one', 'short two')
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'InputTooLong*'
            $errs[0].Exception.Message | Should -Match '2,048'
            $errs[0].ErrorDetails.RecommendedAction | Should -BeLike '*-ChunkSize*'
            @(Get-EmbedRequest | ForEach-Object { $_.Json.input }) | Should -Not -Contain "search_document: $long"

            $chunks = $long | New-AllyEmbedding -Provider ollama -ChunkSize 1000
            $chunks.Count | Should -BeGreaterThan 1
            ($chunks.Text -join ' ') | Should -Be $long
        }

        It 'retries a busy server and gives one error per item of a batch that failed, the rest going on' {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 503; path = '/api/embed' }) }
            $set = 1..5 | ForEach-Object { "text $_" } | New-AllyEmbedding -Provider ollama -WarningVariable warnings -WarningAction SilentlyContinue
            $set.Count | Should -Be 5
            $warnings | Should -Not -BeNullOrEmpty

            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 500; error = 'runner crashed'; path = '/api/embed' }) }
            $out = 1..20 | ForEach-Object { "item $_" } | New-AllyEmbedding -Provider ollama -BatchSize 8 -ThrottleLimit 1 -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 8
            $errs[0].Exception.Message | Should -BeLike '*runner crashed*'
            $errs[0].TargetObject | Should -Be 'item 1'
            $out.Text | Should -Be (9..20 | ForEach-Object { "item $_" })
        }

        It 'keeps input order with several requests at once' {
            $texts = 1..200 | ForEach-Object { "entry $_ " + ('x' * ($_ % 7)) }
            $set = $texts | New-AllyEmbedding -Provider ollama -BatchSize 5 -ThrottleLimit 8
            $set.Text | Should -Be $texts
        }

        It 'stops promptly on Ctrl+C' {
            Set-AllyFakeBehavior $server @{ responseDelayMs = 20000 }
            $script = "`$env:OLLAMA_HOST = '$($server.Url)'; Import-Module '$env:ALLY_TEST_MODULE'; 1..50 | ForEach-Object { `"t `$_`" } | New-AllyEmbedding -Provider ollama"
            Test-StopsPromptly -Script $script -IsStarted { @(Get-AllyFakeRequest $server -Path '/api/show').Count -gt 0 } | Should -BeTrue
        }
    }

    Context 'openai' {
        BeforeEach { $env:OPENAI_API_KEY = $key }

        It 'embeds through the OpenAI-compatible endpoint, decoding base64 to the same floats the server computes' {
            $set = 'the cat sat', 'stock markets fell' | New-AllyEmbedding -Provider openai
            $set[0].Model | Should -Be 'text-embedding-3-small'
            $set[0].Dimensions | Should -Be 1536
            $request = (Get-OpenAIRequest)[0].Json
            $request.encoding_format | Should -Be 'base64'
            $direct = Invoke-RestMethod "$openaiUrl/embeddings" -Method Post -ContentType 'application/json' -Headers @{ Authorization = "Bearer $key" } `
                -Body (@{ model = 'text-embedding-3-small'; input = @('the cat sat') } | ConvertTo-Json) -NoProxy
            ($set[0].Vector -join ',') | Should -Be ((ConvertFrom-AllyFakeEmbedding $direct.data[0].embedding) -join ',')
        }

        It 'puts vectors back in input order when the server shuffles them' {
            $texts = 1..12 | ForEach-Object { "sentence $_ about thing $_" }
            $plain = $texts | New-AllyEmbedding -Provider openai
            Set-AllyFakeBehavior $server @{ shuffleEmbeddings = $true }
            $shuffled = $texts | New-AllyEmbedding -Provider openai
            for ($i = 0; $i -lt 12; $i++) { ($shuffled[$i].Vector -join ',') | Should -Be ($plain[$i].Vector -join ',') }
        }

        It 'splits requests at 2,048 inputs and at about 300,000 tokens' {
            $null = 1..2049 | ForEach-Object { "t$_" } | New-AllyEmbedding -Provider openai -Dimensions 8
            (Get-OpenAIRequest | ForEach-Object { @($_.Json.input).Count }) | Should -Be @(2048, 1)
            Reset-AllyFakeServer $server
            $big = 'abcd ' * 4800  # 24,000 bytes: about 8,000 tokens by Ally's estimate
            $null = 1..40 | ForEach-Object { "$_ $big" } | New-AllyEmbedding -Provider openai -Dimensions 8 -ErrorAction Stop
            $counts = Get-OpenAIRequest | ForEach-Object { @($_.Json.input).Count }
            $counts.Count | Should -BeGreaterThan 1
            ($counts | Measure-Object -Sum).Sum | Should -Be 40
        }

        It 'passes -Dimensions through for text-embedding-3 models' {
            (New-AllyEmbedding 'x' -Provider openai -Dimensions 256).Dimensions | Should -Be 256
            (Get-OpenAIRequest)[0].Json.dimensions | Should -Be 256
        }

        It 'rejects empty strings before sending' {
            $out = 'a', ' ', 'b' | New-AllyEmbedding -Provider openai -ErrorVariable errs -ErrorAction SilentlyContinue
            $out.Count | Should -Be 2
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'EmptyInput*'
            (Get-OpenAIRequest)[0].Json.input | Should -Be @('a', 'b')
        }

        It 'retries rate_limit_exceeded, and stops at insufficient_quota without retrying' {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 429; retryAfter = 1; path = '/openai/v1/embeddings' }) }
            (New-AllyEmbedding 'x' -Provider openai -WarningAction SilentlyContinue).Dimensions | Should -Be 1536
            (Get-OpenAIRequest).Count | Should -Be 2

            Reset-AllyFakeServer $server
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 429; code = 'insufficient_quota'; path = '/openai/v1/embeddings' }) }
            $err = { 'a', 'b' | New-AllyEmbedding -Provider openai -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'InsufficientQuota*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*billing*'
            (Get-OpenAIRequest).Count | Should -Be 1
        }

        It 'reports a refused key as InvalidApiKey and never shows it' {
            $env:OPENAI_API_KEY = 'not-a-real-key-value-1234567890'
            $err = { New-AllyEmbedding 'x' -Provider openai -ErrorAction Stop -Verbose 4>&1 | Out-Null } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidApiKey*'
            ($err | Out-String) | Should -Not -BeLike '*not-a-real-key-value-1234567890*'
            ($err.ErrorDetails | Out-String) | Should -Not -BeLike '*not-a-real-key-value-1234567890*'
        }
    }
}

Describe 'New-AllyEmbedding against a llama.cpp server' {
    BeforeAll { $script:llama = Start-AllyFakeServer -Flavor LlamaCpp }
    AfterAll { Stop-AllyFakeServer $llama }
    BeforeEach {
        Reset-AllyFakeServer $llama
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:ALLY_OPENAI_BASE_URL = "$($llama.Url)v1"
    }

    It 'embeds without a key, and fails only the input the server finds too long' {
        $long = (1..600 | ForEach-Object { "w$_" }) -join ' '
        $out = 'first text', $long, 'last text' | New-AllyEmbedding -Provider openai -Model any -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.Text | Should -Be @('first text', 'last text')
        $out[0].Dimensions | Should -Be 4096
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InputTooLong*'
        $errs[0].ErrorDetails.RecommendedAction | Should -BeLike '*-ChunkSize*'
    }
}

Describe 'Progress and scale' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
    }

    It 'embeds 100,000 piped items in input order' {
        $count = 0
        $last = $null
        1..100000 | ForEach-Object { "item $_" } | New-AllyEmbedding -Dimensions 16 | ForEach-Object {
            $count++
            if ($last -and [int]$_.Text.Substring(5) -ne [int]$last.Substring(5) + 1) { throw "out of order at $($_.Text)" }
            $last = $_.Text
        }
        $count | Should -Be 100000
        $last | Should -Be 'item 100000'
    }

    It 'shows how many are done and how many per second, and completes the bar, also on Ctrl+C' {
        Set-AllyFakeBehavior $server @{ responseDelayMs = 150 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("`$env:OLLAMA_HOST = '$($server.Url)'; Import-Module '$env:ALLY_TEST_MODULE'; 1..64 | ForEach-Object { `"t `$_`" } | New-AllyEmbedding -Provider ollama -BatchSize 4 -ThrottleLimit 2 | Out-Null")
            $null = $ps.Invoke()
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 1
            $records[0].Activity | Should -Be 'Embedding with ollama nomic-embed-text'
            $records[0].StatusDescription | Should -Match '^\d[\d,]* embedded, [\d,]+ per second$'
            $records[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }

        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("`$env:OLLAMA_HOST = '$($server.Url)'; Import-Module '$env:ALLY_TEST_MODULE'; 1..400 | ForEach-Object { `"t `$_`" } | New-AllyEmbedding -Provider ollama -BatchSize 4 -ThrottleLimit 2 | Out-Null")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($ps.Streams.Progress.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Streams.Progress.Count | Should -BeGreaterThan 0
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
            @($ps.Streams.Progress)[-1].RecordType | Should -Be 'Completed'
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Search-AllyEmbedding' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
    }

    It 'ranks the items by similarity to the query, best first, with their source and lines' {
        $docs = @(
            (New-Doc 'kb/auth.md' @('# Authentication', 'Users sign in with a password and a token.', 'Tokens expire after an hour.'))
            (New-Doc 'kb/logging.md' @('# Logging', 'Logs are written to the event log and rotated daily.'))
            (New-Doc 'kb/backup.md' @('# Backups', 'Backups run nightly and are kept for thirty days.'))
        )
        $set = $docs | New-AllyEmbedding
        $results = $set | Search-AllyEmbedding 'how do users sign in with a token' -Top 2
        $results.Count | Should -Be 2
        $results[0] | Should -BeOfType ([Ally.EmbeddingSearchResult])
        $results[0].Rank | Should -Be 1
        $results[0].Source | Should -BeLike '*auth.md'
        $results[0].StartLine | Should -Be 1
        $results[0].Score | Should -BeGreaterThan $results[1].Score
        $results[0].Item | Should -BeOfType ([Ally.Embedding])
    }

    It 'embeds the query with the items'' provider, model and query prefix' {
        $set = 'alpha notes', 'beta notes' | New-AllyEmbedding -Provider ollama
        Reset-AllyFakeServer $server
        $null = $set | Search-AllyEmbedding 'alpha'
        $request = (Get-EmbedRequest)[0].Json
        $request.model | Should -Be 'nomic-embed-text'
        $request.input | Should -Be @('search_query: alpha')
    }

    It 'takes a vector instead of text, and returns -Top results' {
        $set = 1..10 | ForEach-Object { "note $_ on subject $_" } | New-AllyEmbedding
        $results = $set | Search-AllyEmbedding -Vector $set[3].Vector -Top 3
        $results.Count | Should -Be 3
        $results[0].Text | Should -Be 'note 4 on subject 4'
        $results[0].Score | Should -BeGreaterThan 0.999
    }

    It 'refuses a set of different models or sizes before any request' {
        $a = New-AllyEmbedding 'one' -Dimensions 64
        $b = New-AllyEmbedding 'two' -Dimensions 128
        $err = { @($a, $b) | Search-AllyEmbedding 'one' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'IncompatibleEmbeddings*'
        { @($a) | Search-AllyEmbedding -Vector ([float[]]::new(10)) -ErrorAction Stop } | Should -Throw -ErrorId 'IncompatibleEmbeddings*'
    }

    It 'sends the excerpts to Invoke-AllyChat as text with their file and lines, never vectors' {
        $doc = New-Doc 'kb/release.md' @('# Releases', 'Releases are tagged from main every second Tuesday.')
        $set = $doc | New-AllyEmbedding
        $null = $set | Search-AllyEmbedding 'when are releases tagged' -Top 1 | Invoke-AllyChat 'Answer from these excerpts'
        $sent = (Get-AllyFakeRequest $server -Path '/api/chat')[0].Json.messages[-1].content
        $sent | Should -BeLike '*Answer from these excerpts*'
        $sent | Should -BeLike '*release.md:1-2*'
        $sent | Should -BeLike '*tagged from main every second Tuesday*'
        $sent | Should -Not -Match '\d\.\d{5,}'
    }
}

Describe 'Export-AllyEmbedding and Import-AllyEmbedding' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
    }

    It 'saves and loads a set with every field but the piped object' {
        $f = New-Doc 'save/doc.md' @('first', 'second', 'third ü 世界')
        $set = $f | New-AllyEmbedding -ChunkSize 16
        $path = Join-Path $work 'set.emb'
        $set | Export-AllyEmbedding $path
        # Float32 blocks, not numbers as text.
        (Get-Item $path).Length | Should -BeLessThan ($set.Count * $set[0].Dimensions * 4 + 4096)
        $loaded = Import-AllyEmbedding $path
        $loaded.Count | Should -Be $set.Count
        for ($i = 0; $i -lt $set.Count; $i++) {
            $loaded[$i].Text | Should -Be $set[$i].Text
            ($loaded[$i].Vector -join ',') | Should -Be ($set[$i].Vector -join ',')
            $loaded[$i].Source | Should -Be $set[$i].Source
            $loaded[$i].StartLine | Should -Be $set[$i].StartLine
            $loaded[$i].EndLine | Should -Be $set[$i].EndLine
            $loaded[$i].ChunkIndex | Should -Be $set[$i].ChunkIndex
            $loaded[$i].ContentHash | Should -Be $set[$i].ContentHash
            $loaded[$i].InputObject | Should -BeNullOrEmpty
        }
    }

    It 'names a foreign or damaged file' {
        $foreign = Join-Path $work 'notes.txt'
        Set-Content $foreign 'just some text'
        $err = { Import-AllyEmbedding $foreign -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotAnEmbeddingFile*'
        $err.Exception.Message | Should -BeLike '*notes.txt*'

        $path = Join-Path $work 'cut.emb'
        1..20 | ForEach-Object { "text $_" } | New-AllyEmbedding | Export-AllyEmbedding $path
        $bytes = [IO.File]::ReadAllBytes($path)
        [IO.File]::WriteAllBytes($path, $bytes[0..($bytes.Length - 100)])
        { Import-AllyEmbedding $path -ErrorAction Stop } | Should -Throw -ErrorId 'EmbeddingFileDamaged*'
    }

    It 'supports -WhatIf and -NoClobber, and refuses a mixed set' {
        $path = Join-Path $work 'whatif.emb'
        New-AllyEmbedding 'x' | Export-AllyEmbedding $path -WhatIf
        Test-Path $path | Should -BeFalse
        New-AllyEmbedding 'x' | Export-AllyEmbedding $path
        { New-AllyEmbedding 'y' | Export-AllyEmbedding $path -NoClobber -ErrorAction Stop } | Should -Throw
        { @((New-AllyEmbedding 'a' -Dimensions 8), (New-AllyEmbedding 'b' -Dimensions 16)) | Export-AllyEmbedding $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'IncompatibleEmbeddings*'
    }

    It 'refreshes a saved set: after changing 1 file of 20, only that file''s chunks are sent, and deleted files drop out' {
        $folder = Join-Path $work 'refresh'
        $files = 1..20 | ForEach-Object { New-Doc "refresh/doc$_.md" @("# Document $_", "Body of document $_ with some words.", "More text for $_.") }
        $path = Join-Path $work 'refresh.emb'
        Get-ChildItem $folder -Filter *.md | New-AllyEmbedding -Provider ollama -ChunkSize 16 | Export-AllyEmbedding $path
        $before = Import-AllyEmbedding $path
        Reset-AllyFakeServer $server

        Set-Content (Join-Path $folder 'doc7.md') "# Document 7`nRewritten body."
        Remove-Item (Join-Path $folder 'doc12.md')
        Get-ChildItem $folder -Filter *.md | New-AllyEmbedding -Provider ollama -ChunkSize 16 -Reuse (Import-AllyEmbedding $path) | Export-AllyEmbedding $path

        $sent = @(Get-EmbedRequest | ForEach-Object { $_.Json.input })
        $sent | Should -Not -BeNullOrEmpty
        $sent | ForEach-Object { $_ | Should -BeLike '*Rewritten body*' }
        $after = Import-AllyEmbedding $path
        $after.Source | Should -Not -Contain ($before | Where-Object Source -like '*doc12.md' | Select-Object -First 1).Source
        ($after | Where-Object Source -like '*doc7.md').Text | Should -BeLike '*Rewritten body*'
        $after.Count | Should -Be ($before.Count - @($before | Where-Object Source -like '*doc12.md').Count - @($before | Where-Object Source -like '*doc7.md').Count + @($after | Where-Object Source -like '*doc7.md').Count)
    }
}
