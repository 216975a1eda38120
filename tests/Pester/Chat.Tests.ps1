#Requires -Version 7.4
# Invoke-AllyChat against the fake Ollama server: what a user sees, and what goes on the wire.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:savedEnv = Save-AllyEnvironment
    $script:server = Start-AllyFakeServer
    $env:OLLAMA_HOST = $server.Url
    $env:ALLY_PROVIDER = $null
    $env:ALLY_MODEL = $null

    function Get-ChatRequest { @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/chat') }
}

AfterAll {
    Stop-AllyFakeServer $server
    Restore-AllyEnvironment $savedEnv
}

Describe 'Invoke-AllyChat' {
    BeforeEach {
        Reset-AllyFakeServer $server
        $env:OLLAMA_HOST = $server.Url
        $env:ALLY_PROVIDER = $null
        $env:ALLY_MODEL = $null
    }

    Context 'Invoke-AllyChat answers' {
        It 'returns one ChatResponse with the answer, model, usage, timings and the conversation' {
            Set-AllyFakeBehavior $server @{ reply = 'Paris is the capital of France.' }
            $r = Invoke-AllyChat 'What is the capital of France?'

            @($r).Count | Should -Be 1
            $r.GetType().FullName | Should -Be 'Ally.ChatResponse'
            $r.Content | Should -Be 'Paris is the capital of France.'
            $r.Model | Should -Be 'llama3.1'
            $r.Provider | Should -Be 'ollama'
            $r.FinishReason | Should -Be 'stop'
            $r.PromptTokens | Should -BeGreaterThan 0
            $r.CompletionTokens | Should -BeGreaterThan 0
            $r.TotalDuration | Should -BeOfType [timespan]
            $r.TokensPerSecond | Should -BeGreaterThan 0
            $r.IsComplete | Should -BeTrue
            $r.Messages.Role | Should -Be @('user', 'assistant')
            $r.Messages[0].Content | Should -Be 'What is the capital of France?'
            $r.Messages[1].Content | Should -Be 'Paris is the capital of France.'
        }

        It 'shows the answer as its default view and as its string' {
            Set-AllyFakeBehavior $server @{ reply = 'Forty-two.' }
            $r = Invoke-AllyChat 'Meaning of life?'
            "$r" | Should -Be 'Forty-two.'
            ($r | Out-String).Trim() | Should -Be 'Forty-two.'
            $file = Join-Path $TestDrive 'answer.txt'
            $r | Set-Content $file
            (Get-Content -Raw $file).Trim() | Should -Be 'Forty-two.'
        }

        It 'keeps the thinking of a thinking model apart from the answer' {
            Set-AllyFakeBehavior $server @{ reply = 'Three.'; thinking = 'Count the letters r.' }
            $r = Invoke-AllyChat 'How many r in strawberry?' -Model qwen3
            $r.Content | Should -Be 'Three.'
            $r.Thinking | Should -Be 'Count the letters r.'
            $r.Messages[-1].Thinking | Should -Be 'Count the letters r.'
        }

        It 'reports finish reason length when -MaxTokens cuts the answer' {
            Set-AllyFakeBehavior $server @{ reply = 'one two three four five six seven eight' }
            $r = Invoke-AllyChat 'Count' -MaxTokens 3
            $r.FinishReason | Should -Be 'length'
            $r.CompletionTokens | Should -Be 3
        }
    }

    Context 'Invoke-AllyChat request on the wire' {
        It 'streams NDJSON and sends model, system prompt, user prompt and sampling settings' {
            $null = Invoke-AllyChat 'Hi there' -System 'Be terse.' -MaxTokens 50 -Temperature 0.2
            $requests = Get-ChatRequest
            $requests.Count | Should -Be 1
            $body = $requests[0].Json
            $body.model | Should -Be 'llama3.1'
            $body.stream | Should -BeTrue
            $body.messages.role | Should -Be @('system', 'user')
            $body.messages[0].content | Should -Be 'Be terse.'
            $body.messages[1].content | Should -Be 'Hi there'
            $body.options.num_predict | Should -Be 50
            [double]$body.options.temperature | Should -BeGreaterThan 0.19
            [double]$body.options.temperature | Should -BeLessThan 0.21
        }

        It 'passes -Options to Ollama options (num_ctx, num_thread, num_gpu, stop)' {
            $null = Invoke-AllyChat 'Hi' -Options @{ num_ctx = 8192; num_thread = 8; num_gpu = 35; stop = @('###') }
            $options = (Get-ChatRequest)[0].Json.options
            $options.num_ctx | Should -Be 8192
            $options.num_thread | Should -Be 8
            $options.num_gpu | Should -Be 35
            $options.stop | Should -Be @('###')
        }

        It 'rejects an unknown option before any network call, naming the valid ones' {
            { Invoke-AllyChat 'Hi' -Options @{ num_ctxt = 1 } -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*num_ctxt*num_ctx*'
            Get-ChatRequest | Should -BeNullOrEmpty
        }
    }

    Context 'Pipeline input' {
        It 'gathers Get-Content lines into ONE request, labelled with the file name' {
            $file = Join-Path $TestDrive 'Program.cs'
            Set-Content $file -Value 'class Program {', '    static void Main() {}', '}'
            Push-Location $TestDrive
            try { $r = Get-Content ./Program.cs | Invoke-AllyChat 'Review this' } finally { Pop-Location }

            @($r).Count | Should -Be 1
            $requests = Get-ChatRequest
            $requests.Count | Should -Be 1
            $content = $requests[0].Json.messages[-1].content
            $content | Should -BeLike 'Review this*'
            $content | Should -BeLike "*File: Program.cs*"
            $content | Should -BeLike "*class Program {`n    static void Main() {}`n}*"
        }

        It 'labels each of several files and keeps their order' {
            Set-Content (Join-Path $TestDrive 'a.txt') -Value 'alpha'
            Set-Content (Join-Path $TestDrive 'b.txt') -Value 'beta'
            Get-ChildItem $TestDrive -Filter *.txt | Sort-Object Name | Get-Content | Invoke-AllyChat 'Compare' | Out-Null
            $content = (Get-ChatRequest)[0].Json.messages[-1].content
            $content | Should -Match '(?s)File: .*a\.txt.*alpha.*File: .*b\.txt.*beta'
        }

        It 'renders other objects as text' {
            [pscustomobject]@{ Name = 'svc1'; Status = 'Running' }, [pscustomobject]@{ Name = 'svc2'; Status = 'Stopped' } |
                Invoke-AllyChat 'Which are stopped?' | Out-Null
            $requests = Get-ChatRequest
            $requests.Count | Should -Be 1
            $content = $requests[0].Json.messages[-1].content
            $content | Should -Match 'svc2\s+Stopped'
            $content | Should -Match 'svc1\s+Running'
        }

        It 'sends piped text alone as the question when there is no prompt' {
            'What is 2+2?' | Invoke-AllyChat | Out-Null
            (Get-ChatRequest)[0].Json.messages[-1].content | Should -Be 'What is 2+2?'
        }

        It '-ForEach sends one request per object and returns results in input order' {
            # The longest answer (slowest to stream) comes first: order must still follow the input.
            Set-AllyFakeBehavior $server @{ chunkDelayMs = 5 }
            $inputs = @(('long ' * 40).Trim(), 'short', 'medium medium')
            $results = $inputs | Invoke-AllyChat 'Echo' -ForEach -ThrottleLimit 3

            $results.Count | Should -Be 3
            (Get-ChatRequest).Count | Should -Be 3
            for ($i = 0; $i -lt 3; $i++) { $results[$i].Messages[0].Content | Should -BeLike "*$($inputs[$i])*" }
        }

        It '-ForEach writes one error for a failed item and goes on with the rest' {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 500; error = 'llama runner process has terminated' }) }
            $results = 'one', 'two', 'three' | Invoke-AllyChat 'Echo' -ForEach -ThrottleLimit 1 -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProviderError,*'
            $failures[0].Exception.Message | Should -BeLike '*llama runner process has terminated*'
            $results.Count | Should -Be 2
            $results[0].Messages[0].Content | Should -BeLike '*two*'
            $results[1].Messages[0].Content | Should -BeLike '*three*'
        }
    }

    Context 'Streaming' {
        It '-Stream writes the tokens to the information stream as they arrive and returns nothing' {
            # Paced like a model generating: each token is written as it comes.
            Set-AllyFakeBehavior $server @{ reply = 'Roses are red, violets are blue.'; chunkDelayMs = 30 }
            try {
                $out = Invoke-AllyChat 'Poem' -Stream -InformationVariable info 6>$null
            }
            finally {
                Set-AllyFakeBehavior $server @{ chunkDelayMs = $null }
            }
            $out | Should -BeNullOrEmpty
            $content = $info | Where-Object { $_.Tags -contains 'Ally.Content' }
            $content.Count | Should -BeGreaterThan 3
            (-join $content.MessageData.Message).Trim() | Should -Be 'Roses are red, violets are blue.'
        }

        It '-Stream joins tokens that arrive faster than the host writes them, losing none' {
            Set-AllyFakeBehavior $server @{ replyTokens = 5000 }
            try {
                $r = Invoke-AllyChat 'Write a long story' -Stream -PassThru -InformationVariable info 6>$null
            }
            finally {
                Set-AllyFakeBehavior $server @{ replyTokens = $null }
            }
            $content = @($info | Where-Object { $_.Tags -contains 'Ally.Content' })
            (-join $content.MessageData.Message).TrimEnd("`n") | Should -Be $r.Content
            $r.CompletionTokens | Should -Be 5000
            $content.Count | Should -BeLessThan 5000
        }

        It '-Stream -PassThru also returns the response, whose view does not repeat the answer' {
            Set-AllyFakeBehavior $server @{ reply = 'Unique answer text.' }
            $r = Invoke-AllyChat 'Hi' -Stream -PassThru 6>$null
            $r.Content | Should -Be 'Unique answer text.'
            $r.Streamed | Should -BeTrue
            ($r | Out-String) | Should -Not -BeLike '*Unique answer text*'
            ($r | Out-String) | Should -BeLike '*llama3.1*'
        }

        It 'streams thinking separately, tagged Ally.Thinking' {
            Set-AllyFakeBehavior $server @{ reply = 'Yes.'; thinking = 'Let me consider.' }
            $null = Invoke-AllyChat 'Think' -Model qwen3 -Stream -InformationVariable info 6>$null
            (-join ($info | Where-Object { $_.Tags -contains 'Ally.Thinking' }).MessageData.Message).Trim() | Should -Be 'Let me consider.'
            (-join ($info | Where-Object { $_.Tags -contains 'Ally.Content' }).MessageData.Message).Trim() | Should -Be 'Yes.'
        }

        It 'prints the answer exactly once on the console, with and without -PassThru' {
            Set-AllyFakeBehavior $server @{ reply = 'Printed-once-marker here.' }
            $module = $env:ALLY_TEST_MODULE
            $script = "Import-Module '$module'; Invoke-AllyChat 'Hi' -Stream; Invoke-AllyChat 'Hi' -Stream -PassThru"
            $result = Invoke-ChildPwsh -Script $script -Environment @{ OLLAMA_HOST = $server.Url }
            $result.ExitCode | Should -Be 0
            ([regex]::Matches($result.StdOut, 'Printed-once-marker')).Count | Should -Be 2
        }
    }

    Context 'Configuration precedence' {
        It 'uses ALLY_MODEL when -Model is not given, and -Model over ALLY_MODEL' {
            $env:ALLY_MODEL = 'llama3.2'
            (Invoke-AllyChat 'Hi').Model | Should -Be 'llama3.2'
            (Invoke-AllyChat 'Hi' -Model qwen3).Model | Should -Be 'qwen3'
            (Get-ChatRequest).Json.model | Should -Be @('llama3.2', 'qwen3')
        }

        It 'defaults to ollama and llama3.1' {
            $r = Invoke-AllyChat 'Hi'
            $r.Provider | Should -Be 'ollama'
            $r.Model | Should -Be 'llama3.1'
        }

        It 'reaches Ollama through OLLAMA_HOST written the way Ollama accepts it' {
            $env:OLLAMA_HOST = "'0.0.0.0:$($server.Port)'"
            (Invoke-AllyChat 'Hi').Content | Should -Not -BeNullOrEmpty
        }

        It 'rejects an unknown ALLY_PROVIDER before any network call' {
            $env:ALLY_PROVIDER = 'skynet'
            { Invoke-AllyChat 'Hi' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'skynet' (from ALLY_PROVIDER) cannot be used: it is not a provider Ally knows*ollama, openrouter, openai*"
            Get-ChatRequest | Should -BeNullOrEmpty
        }

        It 'tab-completes -Provider' {
            $line = 'Invoke-AllyChat -Provider oll'
            $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completions.CompletionMatches.CompletionText | Should -Contain 'ollama'
        }
    }

    Context 'Errors' {
        It 'says how to start Ollama when nothing listens' {
            $env:OLLAMA_HOST = "127.0.0.1:$(Get-AllyFreePort)"
            $err = $null
            Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'OllamaUnreachable,*'
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].Exception.Message | Should -BeLike '*ollama serve*OLLAMA_HOST*'
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*ollama serve*'
        }

        It 'passes on the server text for a missing model and says how to install it' {
            $err = $null
            Invoke-AllyChat 'Hi' -Model nope -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -BeLike "*model 'nope' not found*"
            $err[0].Exception.Message | Should -BeLike '*Install-AllyModel nope*'
        }

        It 'turns a mid-stream error line into an error record that keeps the partial answer' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma delta'; midStreamError = @{ afterChunks = 2; message = 'an error was encountered while running the model' } }
            $err = $null
            $out = Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StreamError,*'
            $err[0].Exception.Message | Should -BeLike '*an error was encountered while running the model*'
            $err[0].Exception.PartialResponse.Content | Should -Be 'alpha beta'
            $err[0].Exception.PartialResponse.IsComplete | Should -BeFalse
            $err[0].TargetObject.Content | Should -Be 'alpha beta'
        }

        It 'keeps what was streamed on screen when the stream fails' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; midStreamError = @{ afterChunks = 2; message = 'boom' } }
            $null = Invoke-AllyChat 'Hi' -Stream -InformationVariable info -ErrorVariable err -ErrorAction SilentlyContinue 6>$null
            (-join ($info | Where-Object { $_.Tags -contains 'Ally.Content' }).MessageData.Message).Trim() | Should -Be 'alpha beta'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StreamError,*'
        }

        It 'reports a connection cut before the answer finished' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; truncateAfterChunks = 1 }
            Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StreamTruncated,*'
        }

        It 'reports a full Ollama queue as busy' {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 503; error = 'server busy, please try again.  maximum pending requests exceeded' }) }
            Invoke-AllyChat 'Hi' -MaxRetry 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerBusy,*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        }

        It 'fails with a validation error before any network call when there is no prompt and no input' {
            { Invoke-AllyChat -ErrorAction Stop } | Should -Throw -ErrorId 'PromptRequired,Ally.PowerShell.Commands.InvokeAllyChatCommand'
            { Invoke-AllyChat '   ' -ErrorAction Stop } | Should -Throw -ErrorId 'PromptRequired,Ally.PowerShell.Commands.InvokeAllyChatCommand'
            Get-ChatRequest | Should -BeNullOrEmpty
        }

        It 'rejects a malformed model name before any network call' {
            { Invoke-AllyChat 'Hi' -Model 'not a model' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidModelName,*'
            Get-ChatRequest | Should -BeNullOrEmpty
        }

        It 'stops at -TimeoutSec and keeps the partial answer' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; stallAfterChunks = 1 }
            Invoke-AllyChat 'Hi' -TimeoutSec 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'RequestTimeout,*'
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err[0].Exception.PartialResponse.Content | Should -Be 'alpha'
        }
    }

    Context 'Cancellation' {
        It 'Ctrl+C (Stop) ends a stalled request promptly' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; stallAfterChunks = 1 }
            Test-StopsPromptly -Script "Import-Module '$env:ALLY_TEST_MODULE'; `$env:OLLAMA_HOST = '$($server.Url)'; Invoke-AllyChat 'Hi' -Stream" `
                -IsStarted { Get-ChatRequest } | Should -BeTrue
        }
    }

    Context 'Long generations' -Tag 'Slow' {
        It 'waits past 100 seconds for a slow model (no HttpClient default timeout)' {
            Set-AllyFakeBehavior $server @{ reply = 'Finally.'; responseDelayMs = 101000 }
            $r = Invoke-AllyChat 'Take your time'
            $r.Content | Should -Be 'Finally.'
        }
    }
}
