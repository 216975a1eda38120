#Requires -Version 7.4
# Dropped connections and bad responses, as a user meets them: a connection reset before the answer,
# gateways' 408/502/504 and their HTML pages, malformed stream lines, absurd input, wrong -Options.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'ALLY_MAX_RETRY'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    function Get-ChatRequest([string] $Path = '/api/chat') { @(Get-AllyFakeRequest $server -Path $Path) }
}

AfterAll {
    Stop-AllyFakeServer $server
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'Dropped connections and bad responses' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        $env:OPENROUTER_API_KEY = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    }

    Context 'A connection reset after the request went out' {
        It 'is ConnectionLost, retried, and the answer arrives' -ForEach @(
            @{ Provider = 'ollama'; Path = '/api/chat' }
            @{ Provider = 'openrouter'; Path = '/api/v1/chat/completions' }
        ) {
            Set-AllyFakeBehavior $server @{ reply = 'Made it.'; failNext = @(New-AllyFakeFailure -Reset -Path $Path; New-AllyFakeFailure -Reset -Path $Path) }
            $r = Invoke-AllyChat 'Hi' -Provider $Provider -MaxRetry 3 -WarningVariable warn -WarningAction SilentlyContinue
            $r.Content | Should -Be 'Made it.'
            Get-ChatRequest $Path | Should -HaveCount 3
            # .NET itself retries once on a pooled connection that died; Ally retries the rest, with a warning each.
            $warn.Count | Should -BeGreaterOrEqual 1
            $warn[0].Message | Should -BeLike '*connection*was lost*Retrying in*'
        }

        It 'is reported as ConnectionLost, never "start Ollama", once the retries are spent' {
            Set-AllyFakeBehavior $server @{ failNext = @(1..6 | ForEach-Object { New-AllyFakeFailure -Reset }) }
            Invoke-AllyChat 'Hi' -MaxRetry 1 -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionLost,*'
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].Exception.IsTransient | Should -BeTrue
            $err[0].Exception.Attempts | Should -Be 2
            $err[0].Exception.Message | Should -Not -BeLike '*ollama serve*'
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*running the command again is safe*'
        }

        It 'only a server that is not there is OllamaUnreachable' {
            $env:OLLAMA_HOST = "127.0.0.1:$(Get-AllyFreePort)"
            Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'OllamaUnreachable,*'
            $err[0].Exception.IsTransient | Should -BeFalse
        }
    }

    Context 'Gateways and timeouts' {
        It 'retries Ollama''s <Status> like OpenRouter''s' -ForEach @(@{ Status = 408 }, @{ Status = 502 }, @{ Status = 504 }) {
            Set-AllyFakeBehavior $server @{ reply = 'Fine.'; failNext = @(New-AllyFakeFailure -Status $Status -Message 'upstream hiccup' -RetryAfter 0) }
            $r = Invoke-AllyChat 'Hi' -WarningVariable warn -WarningAction SilentlyContinue
            $r.Content | Should -Be 'Fine.'
            Get-ChatRequest | Should -HaveCount 2
            $warn[0].Message | Should -BeLike "*Ollama answered $Status*Retrying*"
        }

        It 'shows a proxy''s HTML error page as one short line with what to do (<Provider>)' -ForEach @(
            @{ Provider = 'ollama'; Path = '/api/chat'; Variable = 'OLLAMA_HOST' }
            @{ Provider = 'openrouter'; Path = '/api/v1/chat/completions'; Variable = 'ALLY_OPENROUTER_BASE_URL' }
        ) {
            Set-AllyFakeBehavior $server @{ failNext = @(New-AllyFakeFailure -Status 502 -Html -Path $Path) }
            Invoke-AllyChat 'Hi' -Provider $Provider -MaxRetry 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'UpstreamError,*'
            $message = $err[0].Exception.Problem
            $message | Should -BeLike '*answered 502 (Bad Gateway)*'
            $message | Should -Not -BeLike '*<*'
            $message | Should -Not -BeLike '*padding*'
            $message.Length | Should -BeLessThan 200
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike "*proxy or gateway*$Variable*"
        }
    }

    Context 'Malformed stream lines' {
        It 'has its own error id, keeps the partial answer and shows an excerpt, not parser internals (<Provider>)' -ForEach @(
            @{ Provider = 'ollama' }
            @{ Provider = 'openrouter' }
        ) {
            Set-AllyFakeBehavior $server @{ reply = 'one two three four'; malformedAfterChunks = 2 }
            Invoke-AllyChat 'Hi' -Provider $Provider -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MalformedStream,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].TargetObject.Content | Should -Be 'one two'
            $err[0].Exception.PartialResponse.IsComplete | Should -BeFalse
            $err[0].Exception.Message | Should -BeLike '*could not read*{"*'
            $err[0].Exception.Message | Should -Not -Match 'LineNumber|BytePositionInLine|Path: \$'
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Run the command again*TargetObject*'
        }
    }

    Context 'Remedies that say what to do next' {
        It 'StreamError, StreamTruncated: run it again, and where the part received is' {
            Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma'; midStreamError = @{ afterChunks = 1; message = 'boom' } }
            Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Run the command again*TargetObject*PartialResponse*'
            Set-AllyFakeBehavior $server @{ midStreamError = $null; truncateAfterChunks = 1 }
            Invoke-AllyChat 'Hi' -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'StreamTruncated,*'
            $err2[0].ErrorDetails.RecommendedAction | Should -BeLike '*Run the command again*TargetObject*'
        }
    }

    Context 'Bad input' {
        It 'rejects a model name longer than any real one before any request, without echoing it' {
            { Invoke-AllyChat 'Hi' -Model ('x' * 10000) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidModelName,Ally.PowerShell.Commands.InvokeAllyChatCommand'
            try { Invoke-AllyChat 'Hi' -Model ('x' * 10000) -ErrorAction Stop } catch { $_.Exception.Message.Length | Should -BeLessThan 600 }
            Get-AllyFakeRequest $server | Should -BeNullOrEmpty
        }

        It 'says in a user''s words what an -Options value should be' {
            { Invoke-AllyChat 'Hi' -Options @{ num_ctx = @{ size = 8192 } } -ErrorAction Stop } |
                Should -Throw -ExpectedMessage 'The Ollama option num_ctx needs a whole number, not a hashtable.'
            { Invoke-AllyChat 'Hi' -Options @{ use_mmap = 'perhaps' } -ErrorAction Stop } |
                Should -Throw -ExpectedMessage "The Ollama option use_mmap needs `$true or `$false, not the text 'perhaps'."
            { Invoke-AllyChat 'Hi' -Options @{ stop = @{} } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidOllamaOption,*'
            Get-AllyFakeRequest $server | Should -BeNullOrEmpty
        }

        It 'never echoes more than a short line of what the server said' {
            Set-AllyFakeBehavior $server @{ failNext = @(New-AllyFakeFailure -Status 400 -Message ('bad request ' + ('y' * 20000))) }
            Invoke-AllyChat 'Hi' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRequest,*'
            $err[0].Exception.Message.Length | Should -BeLessThan 400
            $err[0].Exception.ServerMessage.Length | Should -BeLessOrEqual 200
        }

        It 'names a bad setting and where it came from (ALLY_MAX_RETRY=<Value>)' -ForEach @(@{ Value = '11' }, @{ Value = 'many' }) {
            $env:ALLY_MAX_RETRY = $Value
            { Invoke-AllyChat 'Hi' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSetting,Ally.PowerShell.Commands.InvokeAllyChatCommand'
            { Invoke-AllyChat 'Hi' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'$Value' (from ALLY_MAX_RETRY) cannot be used*"
            Get-AllyFakeRequest $server | Should -BeNullOrEmpty
        }
    }
}
