#Requires -Version 7.4
# The openai provider against a fake llama.cpp server (protocols §3.13): usage only when asked for,
# reasoning_content, a key-protected /v1/models, 401 authentication_error, 400 exceed_context_size_error,
# a connection closed after every streamed answer — and OLLAMA_HOST pointed at it by mistake.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENAI_API_KEY', 'ALLY_OPENAI_BASE_URL', 'OPENROUTER_API_KEY',
        'ALLY_OPENROUTER_BASE_URL', 'ALLY_SECRET_VAULT', 'ALLY_MAX_RETRY'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:llama = Start-AllyFakeServer -Flavor LlamaCpp
    $script:baseUrl = "$($llama.Url)v1"
    $script:chatPath = '/v1/chat/completions'
    function Get-ChatRequest { @(Get-AllyFakeRequest $llama -Path $chatPath) }
}

AfterAll {
    Stop-AllyFakeServer $llama
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'openai provider against a llama.cpp server' {
    BeforeEach {
        Reset-AllyFakeServer $llama
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:ALLY_OPENAI_BASE_URL = $baseUrl
    }

    Context 'Chat' {
        It 'answers with token counts: it asks for usage in the stream' {
            Set-AllyFakeBehavior $llama @{ reply = 'Hello from llama.cpp.' }
            $r = Invoke-AllyChat 'Say hello' -Provider openai
            $r.Content | Should -Be 'Hello from llama.cpp.'
            $r.Provider | Should -Be 'openai'
            $r.Model | Should -Be 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf'
            $r.FinishReason | Should -Be 'stop'
            $r.PromptTokens | Should -BeGreaterThan 0
            $r.CompletionTokens | Should -BeGreaterThan 0
            $body = (Get-ChatRequest)[0].Json
            $body.stream | Should -BeTrue
            $body.stream_options.include_usage | Should -BeTrue
            $body.model | Should -Be 'gpt-4o-mini'
        }

        It 'reads the usage a newer server sends in a chunk of its own' {
            Set-AllyFakeLlamaCppConfig $llama @{ usageChunk = 'separate'; firstChunkRole = $true }
            $r = Invoke-AllyChat 'Count' -Provider openai -Model local
            $r.CompletionTokens | Should -BeGreaterThan 0
            $r.PromptTokens | Should -BeGreaterThan 0
        }

        It 'reads reasoning_content as thinking, apart from the answer' {
            Set-AllyFakeBehavior $llama @{ reply = 'Three.'; thinking = 'Count the letters r.' }
            $r = Invoke-AllyChat 'How many r in strawberry?' -Provider openai -Stream -PassThru -InformationVariable info 6>$null
            $r.Content | Should -Be 'Three.'
            $r.Thinking | Should -Be 'Count the letters r.'
            (-join ($info | Where-Object { $_.Tags -contains 'Ally.Thinking' }).MessageData.Message).Trim() | Should -Be 'Count the letters r.'
        }

        It 'warns when the token limit ran out during the thinking and the answer is empty' {
            Set-AllyFakeBehavior $llama @{ reply = 'The answer.'; thinking = 'one two three four five six seven eight' }
            $r = Invoke-AllyChat 'Think hard' -Provider openai -MaxTokens 3 -WarningVariable warn -WarningAction SilentlyContinue
            $r.Content | Should -BeNullOrEmpty
            $r.FinishReason | Should -Be 'length'
            $r.Thinking | Should -Not -BeNullOrEmpty
            $warn.Message | Should -BeLike '*spent the whole token limit*reasoning*-MaxTokens*'
        }

        It 'goes on through 40 items at 4 at a time although the server closes its connection after every answer' {
            (Get-AllyFakeBehavior $llama).closeAfterStream | Should -BeTrue
            $answers = 1..40 | ForEach-Object { "item $_" } | Invoke-AllyChat 'Echo' -Provider openai -ForEach -ThrottleLimit 4 -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $err | Should -BeNullOrEmpty
            @($answers).Count | Should -Be 40
            $answers[39].Content | Should -BeLike '*item 40*'
        }
    }

    Context 'Keys' {
        BeforeEach { Set-AllyFakeLlamaCppConfig $llama @{ apiKey = 'llama-secret-key' } }

        It 'says that the server wants a key, and how to give one, when none was sent' {
            Invoke-AllyChat 'Hi' -Provider openai -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidApiKey,*'
            $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err[0].Exception.Message | Should -BeLike "The server at $baseUrl/ wants an API key*"
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*OPENAI_API_KEY*-ApiKey*'
            $err[0].Exception.Message | Should -Not -BeLike '*OpenRouter*'
            Get-ChatRequest | Should -HaveCount 1   # a 401 is never retried
        }

        It 'sends the key with chat, model lists and checks' {
            $env:OPENAI_API_KEY = 'llama-secret-key'
            (Invoke-AllyChat 'Hi' -Provider openai).Content | Should -Not -BeNullOrEmpty
            $models = Get-AllyModel -Provider openai
            $models[0] | Should -BeOfType ([Ally.CatalogModelInfo])
            $models[0].Name | Should -Be 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf'
            $models[0].Provider | Should -Be 'openai'
            $models[0].OwnedBy | Should -Be 'llamacpp'
            $status = Test-AllyProvider -Provider openai
            $status.Success | Should -BeTrue
            $status.KeyValid | Should -BeTrue
            $status.KeySource | Should -Be 'OPENAI_API_KEY'
            (Get-AllyFakeRequest $llama -Path '/v1/models').Headers.Authorization | Should -Be @('Bearer llama-secret-key', 'Bearer llama-secret-key')
        }

        It 'reports a model list refused for a missing key as InvalidApiKey, and Test-AllyProvider fails' {
            { Get-AllyModel -Provider openai -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidApiKey,Ally.PowerShell.Commands.GetAllyModelCommand'
            $env:OPENAI_API_KEY = 'wrong-key'
            $status = Test-AllyProvider -Provider openai
            $status.Success | Should -BeFalse
            $status.Reachable | Should -BeTrue
            $status.KeyValid | Should -BeFalse
            ($status.Problems -join ' ') | Should -BeLike '*refused the API key from OPENAI_API_KEY*'
            ($status.Problems -join ' ') | Should -Not -BeLike '*wrong-key*'
            Test-AllyProvider -Provider openai -Quiet | Should -BeFalse
        }
    }

    Context 'Secrecy' {
        It 'never shows the key: not in output, errors, verbose or debug text, transcripts or serialised objects' {
            Set-AllyFakeLlamaCppConfig $llama @{ apiKey = 'sk-ally-openai-0123456789abcdef-secret' }
            $transcript = Join-Path $TestDrive 'transcript.txt'
            $dump = Join-Path $TestDrive 'dump.txt'
            $script = @"
Import-Module '$env:ALLY_TEST_MODULE'
Start-Transcript -Path '$transcript' | Out-Null
`$all = @()
`$all += Invoke-AllyChat 'Hello' -Provider openai -Verbose -Debug *>&1
`$all += Get-AllyModel -Provider openai -Verbose -Debug *>&1
`$all += Test-AllyProvider -Provider openai -Verbose -Debug *>&1
`$all += Test-AllyProvider -Provider openai -ApiKey (ConvertTo-SecureString `$env:ALLY_TEST_WRONG_KEY -AsPlainText -Force) -Verbose -Debug *>&1
`$all += Invoke-AllyChat 'Hello' -Provider openai -ApiKey (ConvertTo-SecureString `$env:ALLY_TEST_WRONG_KEY -AsPlainText -Force) -Verbose -Debug *>&1
# A key typed as plain text gets a warning (-Debug would turn the warning into a prompt).
`$all += Invoke-AllyChat 'Hello' -Provider openai -ApiKey `$env:ALLY_TEST_WRONG_KEY -Verbose *>&1
Stop-Transcript | Out-Null
`$text = foreach (`$item in `$all) {
    `$item | Format-List * -Force | Out-String -Width 500
    if (`$item -is [System.Management.Automation.ErrorRecord]) { `$item.Exception.ToString(); `$item.Exception | Format-List * -Force | Out-String -Width 500; `$item.ErrorDetails | Out-String }
    else { `$item | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue }
}
`$text + (`$Error | ForEach-Object { `$_.Exception.ToString() }) | Set-Content '$dump'
"@
            $result = Invoke-ChildPwsh -Script $script -Environment @{
                OPENAI_API_KEY = 'sk-ally-openai-0123456789abcdef-secret'; ALLY_TEST_WRONG_KEY = 'sk-ally-openai-wrong-9876543210'
                ALLY_OPENAI_BASE_URL = $baseUrl; ALLY_MAX_RETRY = '0'; ALLY_CACHE_DIR = (Join-Path $TestDrive 'cache')
            }
            $everything = $result.StdOut + $result.StdErr + (Get-Content -Raw $dump) + (Get-Content -Raw $transcript)
            $everything | Should -BeLike '*Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf*'   # the runs did happen
            $everything | Should -BeLike '*InvalidApiKey*'
            $everything | Should -BeLike '*-ApiKey was given as plain text*OPENAI_API_KEY*'
            $everything.Contains('0123456789abcdef') | Should -BeFalse
            $everything.Contains('9876543210') | Should -BeFalse
        }
    }

    Context 'Errors' {
        It 'reports a prompt longer than the context as ContextLengthExceeded, with what to do' {
            Set-AllyFakeLlamaCppConfig $llama @{ contextSize = 16 }
            Invoke-AllyChat ('word ' * 40) -Provider openai -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ContextLengthExceeded,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -BeLike '*exceeds the available context size (16 tokens)*'
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Shorten the input*num_ctx*'
        }

        It 'keeps the answer so far and names the bad line when the stream carries a malformed one' {
            Set-AllyFakeBehavior $llama @{ reply = 'alpha beta gamma delta'; malformedAfterChunks = 2 }
            Invoke-AllyChat 'Hi' -Provider openai -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MalformedStream,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].TargetObject.Content | Should -Be 'alpha beta'
            $err[0].TargetObject.IsComplete | Should -BeFalse
            $err[0].Exception.Message | Should -BeLike '*{"choices"*'
            $err[0].Exception.Message | Should -Not -BeLike '*LineNumber*'
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Run the command again*'
        }

        It 'needs a key for OpenAI itself, before any request' {
            $env:ALLY_OPENAI_BASE_URL = $null
            { Invoke-AllyChat 'Hi' -Provider openai -ErrorAction Stop } | Should -Throw -ErrorId 'ApiKeyRequired,Ally.PowerShell.Commands.InvokeAllyChatCommand'
            { Invoke-AllyChat 'Hi' -Provider openai -ErrorAction Stop } | Should -Throw -ExpectedMessage '*OpenAI needs an API key*OPENAI_API_KEY*'
            { Get-AllyModel -Provider openai -ErrorAction Stop } | Should -Throw -ErrorId 'ApiKeyRequired,Ally.PowerShell.Commands.GetAllyModelCommand'
            # The check says so without asking OpenAI.
            $status = Test-AllyProvider -Provider openai
            $status.Success | Should -BeFalse
            ($status.Problems -join ' ') | Should -BeLike '*OpenAI needs an API key*'
        }

        It 'rejects an ALLY_OPENAI_BASE_URL that is not an http address before any request' {
            $env:ALLY_OPENAI_BASE_URL = 'ftp://example/v1'
            { Invoke-AllyChat 'Hi' -Provider openai -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidOpenAIBaseUrl,Ally.PowerShell.Commands.InvokeAllyChatCommand'
            Get-AllyFakeRequest $llama | Should -BeNullOrEmpty
        }
    }

    Context 'OLLAMA_HOST pointed at it' {
        BeforeEach { $env:OLLAMA_HOST = $llama.Url }

        It 'says the server is not Ollama and how to use it instead, not "install the model"' {
            Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NotOllama,*'
            $err[0].Exception.Message | Should -BeLike "*$($llama.Url) is not Ollama*"
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike "*-Provider openai*ALLY_OPENAI_BASE_URL=$($llama.Url)v1*"
            $err[0].Exception.Message | Should -Not -BeLike '*Install-AllyModel*'
        }

        It 'says so from the model cmdlets and Test-AllyProvider too' {
            { Get-AllyModel -ErrorAction Stop } | Should -Throw -ErrorId 'NotOllama,Ally.PowerShell.Commands.GetAllyModelCommand'
            $status = Test-AllyProvider
            $status.Success | Should -BeFalse
            $status.Reachable | Should -BeTrue
            ($status.Problems -join ' ') | Should -BeLike '*not Ollama*-Provider openai*'
        }
    }
}
