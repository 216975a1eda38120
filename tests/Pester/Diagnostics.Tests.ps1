#Requires -Version 7.4
# Test-AllyProvider against the fakes, one case per entry of the documentation's troubleshooting guide:
# connection refused, model not found, out of memory (-LoadModel), invalid key, model not available,
# rate limited, slow server (latency and version). Each failure must say what to do.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'OPENAI_API_KEY',
        'ALLY_OPENAI_BASE_URL', 'ALLY_SECRET_VAULT', 'ALLY_MAX_RETRY', 'ALLY_EMBEDDING_PROVIDER', 'ALLY_EMBEDDING_MODEL'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    # The fake OpenRouter account's default key.
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'

    function Get-Request([string] $Path) { @(Get-AllyFakeRequest $server -Path $Path) }
}

AfterAll {
    Stop-AllyFakeServer $server
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'Test-AllyProvider troubleshooting' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        $env:ALLY_OPENAI_BASE_URL = "$($server.Url)openai/v1"
        $env:OPENROUTER_API_KEY = $key
    }

    Context 'Ollama' {
        It 'reports a refused connection with ollama serve and OLLAMA_HOST' {
            $env:OLLAMA_HOST = "127.0.0.1:$(Get-AllyFreePort)"
            $status = Test-AllyProvider -Provider ollama
            $status.Reachable | Should -BeFalse
            $status.Success | Should -BeFalse
            $status.Latency | Should -BeNullOrEmpty
            $status.Problems -join ' ' | Should -BeLike '*Could not connect to Ollama*``ollama serve``*OLLAMA_HOST*'
            Test-AllyProvider -Provider ollama -Quiet | Should -BeFalse
        }

        It 'reports a model that is not installed with Install-AllyModel' {
            $status = Test-AllyProvider -Provider ollama -Model mistral
            $status.Reachable | Should -BeTrue
            $status.ModelAvailable | Should -BeFalse
            $status.Success | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike "*'mistral' is not installed*Install-AllyModel mistral*"
        }

        It 'reports the version and the latency of a healthy server, and loads nothing unless asked' {
            $status = Test-AllyProvider -Provider ollama -Model llama3.1
            $status.Success | Should -BeTrue
            $status.Version | Should -Be '0.12.6'
            $status.Latency | Should -BeOfType ([timespan])
            $status.Latency | Should -BeGreaterThan ([timespan]::Zero)
            $status.ModelLoaded | Should -BeNullOrEmpty
            Get-Request '/api/chat' | Should -BeNullOrEmpty
            ($status | Out-String) | Should -BeLike '*Latency*ms*'
        }

        It 'shows a slow server in Latency' {
            Set-AllyFakeBehavior $server @{ responseDelayMs = 400 }
            $status = Test-AllyProvider -Provider ollama -Model llama3.1
            $status.Success | Should -BeTrue
            # The fake waits before it answers, so the round trip cannot be shorter.
            $status.Latency.TotalMilliseconds | Should -BeGreaterOrEqual 400
        }

        It 'reports a rate limit with waiting and the retry settings' {
            Set-AllyFakeBehavior $server @{ failNext = New-AllyFakeFailure -Status 429 -Message 'too many requests' -Path '/api/version' }
            $status = Test-AllyProvider -Provider ollama
            $status.Reachable | Should -BeTrue
            $status.Success | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike '*answered 429*Wait*-MaxRetry or ALLY_MAX_RETRY*'
        }

        Context 'Out of memory' {
            BeforeEach {
                # llama3.1 is 4.6 GiB, llama3.2 1.9 GiB.
                Set-AllyFakeOllamaConfig $server @{ availableMemory = 2GB }
            }

            It 'with -LoadModel loads the model and reports that it does not fit, suggesting a smaller variant' {
                $status = Test-AllyProvider -Provider ollama -Model llama3.1 -LoadModel
                $status.ModelAvailable | Should -BeTrue
                $status.ModelLoaded | Should -BeFalse
                $status.Success | Should -BeFalse
                $problems = $status.Problems -join ' '
                $problems | Should -BeLike "*Loading the model 'llama3.1' failed*model requires more system memory (4.6 GiB) than is available (2.0 GiB)*"
                $problems | Should -BeLike '*smaller variant*llama3.2:1b*'
                $load = @(Get-Request '/api/chat')
                $load.Count | Should -Be 1
                $load[0].Json.model | Should -Be 'llama3.1'
                @($load[0].Json.messages).Count | Should -Be 0
                Test-AllyProvider -Provider ollama -Model llama3.1 -LoadModel -Quiet | Should -BeFalse
            }

            It 'with -LoadModel loads a model that fits, which then runs' {
                $status = Test-AllyProvider -Provider ollama -Model llama3.2 -LoadModel
                $status.ModelLoaded | Should -BeTrue
                $status.Success | Should -BeTrue
                (Get-AllyModel -Running).Name | Should -Contain 'llama3.2:latest'
            }

            It 'makes room by unloading an idle model, as Ollama does, when two do not fit together' {
                Set-AllyFakeOllamaConfig $server @{ availableMemory = 5GB }
                (Test-AllyProvider -Provider ollama -Model llama3.2 -LoadModel).ModelLoaded | Should -BeTrue
                (Test-AllyProvider -Provider ollama -Model llama3.1 -LoadModel).ModelLoaded | Should -BeTrue
                (Get-AllyModel -Running).Name | Should -Be @('llama3.1:latest')
            }

            It 'does not load a model that is not installed' {
                $status = Test-AllyProvider -Provider ollama -Model mistral -LoadModel
                $status.ModelLoaded | Should -BeNullOrEmpty
                Get-Request '/api/chat' | Should -BeNullOrEmpty
            }

            It 'fails a chat with InsufficientMemory and the same advice' {
                { Invoke-AllyChat 'Hi' -Model llama3.1 -ErrorAction Stop } | Should -Throw -ErrorId 'InsufficientMemory,*'
                Invoke-AllyChat 'Hi' -Model llama3.1 -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].Exception.Message | Should -BeLike '*requires more system memory (4.6 GiB) than is available (2.0 GiB)*'
                $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*llama3.2:1b*'
                (Invoke-AllyChat 'Hi' -Model llama3.2).Content | Should -Be 'You said: Hi'
            }

            It 'fails an embedding the same way when the embedding model does not fit' {
                Set-AllyFakeOllamaConfig $server @{ availableMemory = 100MB }
                { 'some text' | New-AllyEmbedding -Provider ollama -Model nomic-embed-text -ErrorAction Stop } | Should -Throw -ErrorId 'InsufficientMemory,*'
            }
        }

        It 'warns that -LoadModel is for Ollama only' {
            $status = Test-AllyProvider -Provider openrouter -Model openai/gpt-4o -LoadModel -WarningVariable warnings 3>$null
            $status.ModelLoaded | Should -BeNullOrEmpty
            $warnings[0] | Should -BeLike '*-LoadModel applies to -Provider ollama only*'
        }
    }

    Context 'OpenRouter' {
        It 'reports an invalid key with where to check it' {
            $env:OPENROUTER_API_KEY = 'sk-or-v1-revoked-test-key'
            $status = Test-AllyProvider -Provider openrouter
            $status.KeyValid | Should -BeFalse
            $status.Success | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike '*refused the API key from OPENROUTER_API_KEY*https://openrouter.ai/settings/keys*'
            $status.Problems -join ' ' | Should -Not -BeLike '*sk-or-v1-revoked-test-key*'
        }

        It 'reports a model OpenRouter does not serve with the vendor/model form and Get-AllyModel' {
            $status = Test-AllyProvider -Provider openrouter -Model acme/no-such-model
            $status.KeyValid | Should -BeTrue
            $status.ModelAvailable | Should -BeFalse
            $status.Success | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike "*does not list the model 'acme/no-such-model'*vendor/model form*Get-AllyModel -Provider openrouter*"
        }

        It 'reports a rate limit with waiting and the retry settings' {
            Set-AllyFakeBehavior $server @{ failNext = New-AllyFakeFailure -Status 429 -RetryAfter 1 -Path '/api/v1/models' }
            $status = Test-AllyProvider -Provider openrouter
            $status.Reachable | Should -BeTrue
            $status.Success | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike '*answered 429*Wait*Retry-After*ALLY_MAX_RETRY*'
        }

        It 'reports the latency of the key check' {
            $status = Test-AllyProvider -Provider openrouter
            $status.Success | Should -BeTrue
            $status.Latency | Should -BeOfType ([timespan])
            $status.Latency | Should -BeGreaterThan ([timespan]::Zero)
        }
    }

    Context 'OpenAI-compatible servers' {
        It 'reports a refused key with the server''s --api-key' {
            Set-AllyFakeOpenAIConfig $server @{ apiKey = 'sk-right-test-key' }
            $env:OPENAI_API_KEY = 'sk-wrong-test-key'
            $status = Test-AllyProvider -Provider openai -Model text-embedding-3-small
            $status.KeyValid | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike '*refused the API key from OPENAI_API_KEY*--api-key*'
            $status.Problems -join ' ' | Should -Not -BeLike '*sk-wrong-test-key*'
        }

        It 'reports a refused connection with the address setting' {
            $env:ALLY_OPENAI_BASE_URL = "http://127.0.0.1:$(Get-AllyFreePort)/v1"
            $status = Test-AllyProvider -Provider openai
            $status.Reachable | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike '*Could not connect*ALLY_OPENAI_BASE_URL*'
        }

        It 'reports latency' {
            $env:OPENAI_API_KEY = 'sk-any-test-key'
            $status = Test-AllyProvider -Provider openai -Model text-embedding-3-small
            $status.Success | Should -BeTrue
            $status.Latency | Should -BeOfType ([timespan])
        }
    }
}
