#Requires -Version 7.4
# The OpenRouter provider against the fake OpenRouter API: chat, SSE, usage and cost, errors and
# retries, API keys (parameter, environment, vault), secrecy, compatible servers, Test-AllyProvider.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'ALLY_OPENROUTER_REFERER',
        'ALLY_OPENROUTER_TITLE', 'ALLY_SECRET_VAULT', 'ALLY_MAX_RETRY', 'ALLY_MAX_COST'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    $script:baseUrl = "$($server.Url)api/v1"
    # The fake's default account key; recognisable so a leak would be found.
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    $script:chatPath = '/api/v1/chat/completions'

    function Get-ChatRequest { @(Get-AllyFakeRequest $server | Where-Object Path -eq $chatPath) }
}

AfterAll {
    Stop-AllyFakeServer $server
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'OpenRouter provider' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
        $env:ALLY_OPENROUTER_BASE_URL = $baseUrl
        $env:OPENROUTER_API_KEY = $key
    }

    Context 'Chat' {
        It 'answers through -Provider openrouter with usage and cost' {
            Set-AllyFakeBehavior $server @{ reply = 'Bonjour tout le monde.' }
            $r = Invoke-AllyChat -Provider openrouter -Model anthropic/claude-3-sonnet 'Say hello in French' -System 'Be brief.' -MaxTokens 100 -Temperature 0.3
            $r.Content | Should -Be 'Bonjour tout le monde.'
            $r.Provider | Should -Be 'openrouter'
            $r.Model | Should -Be 'anthropic/claude-3-sonnet'
            $r.FinishReason | Should -Be 'stop'
            $r.PromptTokens | Should -BeGreaterThan 0
            $r.CompletionTokens | Should -Be 4
            $r.Cost | Should -BeGreaterThan 0
            $body = (Get-ChatRequest)[0].Json
            $body.model | Should -Be 'anthropic/claude-3-sonnet'
            $body.stream | Should -BeTrue
            $body.max_tokens | Should -Be 100
            $body.temperature | Should -Be 0.3
            $body.messages.role | Should -Be @('system', 'user')
        }

        It 'takes provider and model from ALLY_PROVIDER and ALLY_MODEL' {
            $env:ALLY_PROVIDER = 'openrouter'
            $env:ALLY_MODEL = 'openai/gpt-4-turbo'
            $r = Invoke-AllyChat 'Hi'
            $r.Provider | Should -Be 'openrouter'
            (Get-ChatRequest)[0].Json.model | Should -Be 'openai/gpt-4-turbo'
        }

        It 'gathers pipeline input into one request and -ForEach into one each, in order' {
            'line one', 'line two' | Invoke-AllyChat -Provider openrouter 'Summarise' | Out-Null
            (Get-ChatRequest).Count | Should -Be 1
            (Get-ChatRequest)[0].Json.messages[-1].content | Should -BeLike '*line one*line two*'
            Clear-AllyFakeRequest $server
            $results = 'a', 'b', 'c' | Invoke-AllyChat -Provider openrouter 'Echo' -ForEach -ThrottleLimit 3
            $results.Count | Should -Be 3
            $results[2].Messages[-2].Content | Should -BeLike '*c*'
        }

        It 'streams tokens with -Stream and returns the response with -PassThru' {
            Set-AllyFakeBehavior $server @{ reply = 'one two three' }
            $r = Invoke-AllyChat -Provider openrouter 'Count' -Stream -PassThru -InformationVariable info 6>$null
            (-join ($info | Where-Object { $_.Tags -contains 'Ally.Content' }).MessageData.Message).Trim() | Should -Be 'one two three'
            $r.Streamed | Should -BeTrue
        }

        It 'reports finish reason length when -MaxTokens cuts the answer' {
            Set-AllyFakeBehavior $server @{ reply = 'a b c d e f g' }
            (Invoke-AllyChat -Provider openrouter 'Hi' -MaxTokens 2).FinishReason | Should -Be 'length'
        }

        It 'Ctrl+C stops a stalled stream promptly' {
            Set-AllyFakeBehavior $server @{ reply = 'a b c'; stallAfterChunks = 1 }
            Test-StopsPromptly -Script "Import-Module '$env:ALLY_TEST_MODULE'; Invoke-AllyChat -Provider openrouter 'Hi' -Stream" `
                -IsStarted { Get-ChatRequest } | Should -BeTrue
        }
    }

    Context 'Server-sent events' {
        It 'reads CRLF streams with keep-alive comments' {
            Set-AllyFakeOpenRouter $server @{ crlf = $true }
            Set-AllyFakeBehavior $server @{ reply = 'Lines end in CRLF here.' }
            $r = Invoke-AllyChat -Provider openrouter 'Hi'
            $r.Content | Should -Be 'Lines end in CRLF here.'
            $r.Cost | Should -BeGreaterThan 0
        }

        It 'keeps reasoning deltas as the response thinking' {
            Set-AllyFakeBehavior $server @{ reply = 'Yes.'; thinking = 'Weighing it up.' }
            $r = Invoke-AllyChat -Provider openrouter 'Think'
            $r.Thinking | Should -Be 'Weighing it up.'
            $r.Content | Should -Be 'Yes.'
        }

        It 'turns a mid-stream error event into an error record that keeps the partial answer' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; midStreamError = @{ afterChunks = 2; message = 'Provider returned error' } }
            $out = Invoke-AllyChat -Provider openrouter 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StreamError,*'
            $err[0].Exception.Message | Should -BeLike '*Provider returned error*'
            $err[0].Exception.PartialResponse.Content | Should -Be 'alpha beta'
            # Part of the answer was already received: no retry that would repeat it.
            (Get-ChatRequest).Count | Should -Be 1
        }

        It 'reports a stream that ends before the answer finished' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; truncateAfterChunks = 2 }
            Invoke-AllyChat -Provider openrouter 'Hi' -MaxRetry 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StreamTruncated,*'
            $err[0].Exception.PartialResponse.Content | Should -Be 'alpha beta'
        }
    }

    Context 'Cost limits' {
        It '-MaxCost stops a -ForEach run once the spent cost reaches the limit' {
            $one = Invoke-AllyChat -Provider openrouter 'item'
            Clear-AllyFakeRequest $server
            $limit = [double]$one.Cost * 1.5
            $results = $null
            { $script:results = 'item', 'item', 'item', 'item' | Invoke-AllyChat -Provider openrouter -ForEach -ThrottleLimit 1 -MaxCost $limit -ErrorAction Stop } |
                Should -Throw -ErrorId 'CostLimitReached,*'
            (Get-ChatRequest).Count | Should -Be 2
        }

        It 'reads the limit from ALLY_MAX_COST' {
            $env:ALLY_MAX_COST = '0.0000001'
            $err = $null
            try { 'a', 'b', 'c' | Invoke-AllyChat -Provider openrouter -ForEach -ThrottleLimit 1 -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'CostLimitReached,*'
            $err.Exception.Message | Should -BeLike '*ALLY_MAX_COST*'
            (Get-ChatRequest).Count | Should -Be 1
        }
    }

    Context 'Attribution headers' {
        It 'sends HTTP-Referer and X-OpenRouter-Title by default' {
            $null = Invoke-AllyChat -Provider openrouter 'Hi'
            $headers = (Get-ChatRequest)[0].Headers
            $headers.'HTTP-Referer' | Should -Not -BeNullOrEmpty
            $headers.'X-OpenRouter-Title' | Should -Be 'Ally (PowerShell)'
        }

        It 'lets ALLY_OPENROUTER_REFERER and ALLY_OPENROUTER_TITLE override them' {
            $env:ALLY_OPENROUTER_REFERER = 'https://example.test/my-tool'
            $env:ALLY_OPENROUTER_TITLE = 'My Tool'
            $null = Invoke-AllyChat -Provider openrouter 'Hi'
            $headers = (Get-ChatRequest)[0].Headers
            $headers.'HTTP-Referer' | Should -Be 'https://example.test/my-tool'
            $headers.'X-OpenRouter-Title' | Should -Be 'My Tool'
        }
    }

    Context 'Errors and retries' {
        It 'rejects a model id without a vendor on OpenRouter itself, before any request' {
            $env:ALLY_OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1'
            { Invoke-AllyChat -Provider openrouter -Model gpt-4 'Hi' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidModelName,*'
        }

        It 'explains the vendor/model form for a 400 about the model' {
            Invoke-AllyChat -Provider openrouter -Model acme/fake-1.0 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModel,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -BeLike '*not a valid model ID*vendor/model*Get-AllyModel -Provider OpenRouter*'
        }

        It 'maps <Status> to <Id> (<Category>) and never retries it' -ForEach @(
            @{ Status = 401; Id = 'InvalidApiKey'; Category = 'AuthenticationError'; Text = 'openrouter.ai/settings/keys' }
            @{ Status = 402; Id = 'InsufficientCredits'; Category = 'QuotaExceeded'; Text = 'openrouter.ai/credits' }
            @{ Status = 403; Id = 'RequestBlocked'; Category = 'PermissionDenied'; Text = 'violence' }
            @{ Status = 404; Id = 'ModelUnavailable'; Category = 'ObjectNotFound'; Text = 'Get-AllyModel -Provider OpenRouter' }
        ) {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = $Status; error = "failure $Status"; path = $chatPath }) }
            Invoke-AllyChat -Provider openrouter 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $err[0].CategoryInfo.Category | Should -Be $Category
            $err[0].Exception.Message | Should -BeLike "*failure $Status*"
            $err[0].Exception.Message | Should -BeLike "*$Text*"
            (Get-ChatRequest).Count | Should -Be 1
        }

        It 'retries <Status> honouring Retry-After, then succeeds' -ForEach @(
            @{ Status = 408 }, @{ Status = 429 }, @{ Status = 502 }, @{ Status = 503 }
        ) {
            Set-AllyFakeBehavior $server @{ reply = 'made it'; failNext = @(@{ status = $Status; error = "transient $Status"; path = $chatPath; retryAfter = 0 }) }
            $r = Invoke-AllyChat -Provider openrouter 'Hi' -WarningVariable warnings 3>$null
            $r.Content | Should -Be 'made it'
            (Get-ChatRequest).Count | Should -Be 2
            $warnings[0] | Should -BeLike "*transient $Status*Retrying in 0.0 s (1 of 3)*"
        }

        It 'waits as long as Retry-After says' {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 429; error = 'Rate limit exceeded'; path = $chatPath; retryAfter = 2 }) }
            $null = Invoke-AllyChat -Provider openrouter 'Hi' -WarningVariable warnings 3>$null
            $warnings[0] | Should -BeLike '*Retrying in 2.0 s*'
        }

        It 'gives up after -MaxRetry retries with the last error' {
            $failures = 1..4 | ForEach-Object { @{ status = 503; error = 'Service temporarily unavailable'; path = $chatPath; retryAfter = 0 } }
            Set-AllyFakeBehavior $server @{ failNext = $failures }
            Invoke-AllyChat -Provider openrouter 'Hi' -MaxRetry 2 -ErrorVariable err -ErrorAction SilentlyContinue 3>$null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ServiceUnavailable,*'
            $err[0].Exception.Attempts | Should -Be 3
            (Get-ChatRequest).Count | Should -Be 3
        }

        It 'takes the retry limit from ALLY_MAX_RETRY' {
            $env:ALLY_MAX_RETRY = '0'
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 429; error = 'Rate limit exceeded'; path = $chatPath; retryAfter = 0 }) }
            Invoke-AllyChat -Provider openrouter 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'RateLimited,*'
            (Get-ChatRequest).Count | Should -Be 1
        }

        It 'retries Ollama''s 503 (queue full) with the same policy' {
            Set-AllyFakeBehavior $server @{ reply = 'queued'; failNext = @(@{ status = 503; error = 'server busy, please try again.  maximum pending requests exceeded' }) }
            $r = Invoke-AllyChat 'Hi' -Provider ollama -WarningVariable warnings 3>$null
            $r.Content | Should -Be 'queued'
            @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/chat').Count | Should -Be 2
            $warnings[0] | Should -BeLike '*server busy*Retrying*'
        }
    }

    Context 'API keys' {
        It 'fails before any request without a key, naming all three ways to give one' {
            $env:OPENROUTER_API_KEY = $null
            $env:ALLY_OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1'
            { Invoke-AllyChat -Provider openrouter 'Hi' -ErrorAction Stop } | Should -Throw -ErrorId 'ApiKeyRequired,*'
            try { Invoke-AllyChat -Provider openrouter 'Hi' -ErrorAction Stop } catch { $message = $_.Exception.Message }
            $message | Should -BeLike '*OPENROUTER_API_KEY*'
            $message | Should -BeLike '*-ApiKey*'
            $message | Should -BeLike '*ALLY_SECRET_VAULT*'
        }

        It 'takes -ApiKey as a SecureString over the environment' {
            $env:OPENROUTER_API_KEY = 'sk-or-v1-wrong'
            $secure = ConvertTo-SecureString $key -AsPlainText -Force
            (Invoke-AllyChat -Provider openrouter 'Hi' -ApiKey $secure).Content | Should -Not -BeNullOrEmpty
            (Get-ChatRequest)[0].Headers.Authorization | Should -Be "Bearer $key"
        }

        It 'accepts a plain-text -ApiKey with a warning that environment variables are safer' {
            $env:OPENROUTER_API_KEY = $null
            $r = Invoke-AllyChat -Provider openrouter 'Hi' -ApiKey $key -WarningVariable warnings 3>$null
            $r.Content | Should -Not -BeNullOrEmpty
            $warnings[0] | Should -BeLike '*plain text*OPENROUTER_API_KEY*'
        }

        It 'reads the key from the SecretManagement vault named in ALLY_SECRET_VAULT' {
            $vaultFile = Join-Path $TestDrive 'vault.json'
            @{ TestVault = @{ OPENROUTER_API_KEY = $key } } | ConvertTo-Json | Set-Content $vaultFile
            $fixtures = Join-Path $PSScriptRoot '../fixtures/SecretManagement'
            $script = "Import-Module '$env:ALLY_TEST_MODULE'; (Invoke-AllyChat -Provider openrouter 'From the vault' -Verbose).Content"
            $result = Invoke-ChildPwsh -Script $script -Environment @{
                OPENROUTER_API_KEY = $null; ALLY_SECRET_VAULT = 'TestVault'; ALLY_TEST_VAULT_FILE = $vaultFile
                ALLY_OPENROUTER_BASE_URL = $baseUrl; PSModulePath = "$fixtures$([IO.Path]::PathSeparator)$env:PSModulePath"
            }
            $result.StdOut | Should -BeLike '*You said: From the vault*'
            $result.StdOut | Should -BeLike "*key from vault 'TestVault'*"
        }

        It 'never prompts for a locked vault in a non-interactive session' {
            $vaultFile = Join-Path $TestDrive 'vault.json'
            @{ TestVault = @{ OPENROUTER_API_KEY = $key } } | ConvertTo-Json | Set-Content $vaultFile
            $fixtures = Join-Path $PSScriptRoot '../fixtures/SecretManagement'
            $script = "Import-Module '$env:ALLY_TEST_MODULE'; try { Invoke-AllyChat -Provider openrouter 'Hi' -ErrorAction Stop } catch { 'ERROR=' + `$_.FullyQualifiedErrorId }"
            $result = Invoke-ChildPwsh -TimeoutSec 60 -Script $script -Environment @{
                OPENROUTER_API_KEY = $null; ALLY_SECRET_VAULT = 'TestVault'; ALLY_TEST_VAULT_FILE = $vaultFile; ALLY_TEST_VAULT_LOCKED = 'TestVault'
                ALLY_OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1'; PSModulePath = "$fixtures$([IO.Path]::PathSeparator)$env:PSModulePath"
            }
            $result.StdOut | Should -BeLike '*ERROR=SecretVaultError,*'
        }

        It 'calls a compatible server without a key and without an Authorization header' {
            $env:OPENROUTER_API_KEY = $null
            Set-AllyFakeOpenRouter $server @{ requireKey = $false }
            (Invoke-AllyChat -Provider openrouter -Model meta-llama/llama-3.1-8b-instruct 'Hi').Content | Should -Not -BeNullOrEmpty
            (Get-ChatRequest)[0].Headers.Keys | Should -Not -Contain 'Authorization'
        }
    }

    Context 'Secrecy' {
        It 'never shows the key in output, errors, verbose or debug text, or transcripts' {
            $transcript = Join-Path $TestDrive 'transcript.txt'
            $dump = Join-Path $TestDrive 'dump.txt'
            $script = @"
`$ErrorActionPreference = 'Continue'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$env:ALLY_TEST_MODULE'
Start-Transcript -Path '$transcript' | Out-Null
`$all = & {
    Invoke-AllyChat -Provider openrouter 'Hello' -Verbose -Debug
    Invoke-AllyChat -Provider openrouter 'Hello' -Stream -PassThru -Verbose -Debug
    Invoke-AllyChat -Provider openrouter -Model acme/nothing 'Hello' -Verbose -Debug
    'x', 'y' | Invoke-AllyChat -Provider openrouter 'Hello' -ForEach -Verbose -Debug
    Test-AllyProvider -Provider openrouter -Verbose -Debug
    Test-AllyProvider -Provider openrouter -ApiKey (ConvertTo-SecureString `$env:ALLY_TEST_OTHER_KEY -AsPlainText -Force) -Verbose -Debug
    Invoke-AllyChat -Provider openrouter 'Hello' -ApiKey (ConvertTo-SecureString `$env:ALLY_TEST_OTHER_KEY -AsPlainText -Force) -Verbose -Debug
    Get-AllyModel -Provider OpenRouter -Verbose -Debug
    Get-AllyModel -Recommended -Verbose -Debug
    Get-AllyModel -Verbose -Debug
    Install-AllyModel mistral -WhatIf -Verbose -Debug
    Remove-AllyModel llama3.2 -WhatIf -Verbose -Debug
    Test-AllyProvider -Verbose -Debug
} *>&1
Stop-Transcript | Out-Null
`$text = foreach (`$item in `$all) {
    `$item | Format-List * -Force | Out-String -Width 500
    if (`$item -isnot [System.Management.Automation.ErrorRecord]) { `$item | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue }
    else {
        `$item.Exception.ToString()
        `$item.Exception | Format-List * -Force | Out-String -Width 500
        `$item.Exception.Data | Out-String
        `$item.ErrorDetails | Out-String
    }
}
`$text + (`$Error | ForEach-Object { `$_.Exception.ToString() }) | Set-Content '$dump'
"@
            $result = Invoke-ChildPwsh -Script $script -Environment @{
                OLLAMA_HOST = $server.Url; ALLY_CACHE_DIR = (Join-Path $TestDrive 'cache'); OPENROUTER_API_KEY = $key; ALLY_TEST_OTHER_KEY = 'sk-or-v1-not-a-real-key-9876543210'; ALLY_OPENROUTER_BASE_URL = $baseUrl; ALLY_MAX_RETRY = '0'
            }
            $everything = $result.StdOut + $result.StdErr + (Get-Content -Raw $dump) + (Get-Content -Raw $transcript)
            $everything | Should -BeLike '*You said: Hello*'       # the runs did happen
            $everything | Should -BeLike '*InvalidModel*'
            $everything | Should -BeLike '*InvalidApiKey*'
            $everything | Should -BeLike '*anthropic/claude-3-sonnet*'   # the OpenRouter catalog was listed
            $everything.Contains($key) | Should -BeFalse
            $everything.Contains('sk-or-v1-not-a-real-key-9876543210') | Should -BeFalse
            $everything.Contains('0123456789abcdef0123456789abcdef') | Should -BeFalse
        }
    }

    Context 'Test-AllyProvider' {
        It 'checks the key and reports credit and rate limit' {
            Set-AllyFakeOpenRouter $server @{ keys = @(@{ key = $key; limit = 50; limit_remaining = 12.5; usage = 37.5; rate_limit_requests = 200; rate_limit_interval = '10s' }) }
            $status = Test-AllyProvider -Provider openrouter
            $status.Reachable | Should -BeTrue
            $status.KeyValid | Should -BeTrue
            $status.KeySource | Should -Be 'OPENROUTER_API_KEY'
            $status.CreditLimit | Should -Be 50
            $status.CreditRemaining | Should -Be 12.5
            $status.RateLimit | Should -Be '200 requests per 10s'
            @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/v1/key').Count | Should -Be 1
            ($status | Out-String) | Should -BeLike '*12.50 of 50.00 USD left*'
        }

        It 'falls back to /auth/key when /key is not there' {
            Set-AllyFakeOpenRouter $server @{ legacyKeyEndpoint = $true }
            $status = Test-AllyProvider -Provider openrouter
            $status.KeyValid | Should -BeTrue
            (Get-AllyFakeRequest $server).Path | Should -Contain '/api/v1/auth/key'
        }

        It 'reports an invalid key' {
            $env:OPENROUTER_API_KEY = 'sk-or-v1-revoked'
            $status = Test-AllyProvider -Provider openrouter
            $status.KeyValid | Should -BeFalse
            $status.Success | Should -BeFalse
            $status.Problems -join ' ' | Should -BeLike '*settings/keys*'
            Test-AllyProvider -Provider openrouter -Quiet | Should -BeFalse
        }

        It 'checks Ollama and the model too' {
            $status = Test-AllyProvider -Provider ollama -Model llama3.1
            $status.Reachable | Should -BeTrue
            $status.Version | Should -Not -BeNullOrEmpty
            $status.ModelAvailable | Should -BeTrue
            (Test-AllyProvider -Provider ollama -Model not-installed).Problems -join ' ' | Should -BeLike '*Install-AllyModel not-installed*'
        }
    }
}
