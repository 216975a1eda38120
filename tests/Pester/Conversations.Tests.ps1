#Requires -Version 7.4
# Conversations: a piped response or -Conversation continues the chat (the whole history is sent),
# on the provider and model it was held with; Export-/Import-AllyConversation; deserialized shapes.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'ALLY_CONFIG'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) ('ally-conv-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $dir | Out-Null
    function Get-ChatBodies { @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/chat' | ForEach-Object Json) }
    function Get-Turns($body) { @($body.messages | ForEach-Object { "$($_.role): $($_.content)" }) }
}

AfterAll {
    Stop-AllyFakeServer $server
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'Conversations' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
    }

    It 'continues a piped response: the whole history goes, the response is not rendered as context' {
        $r = Invoke-AllyChat 'Name three rivers'
        $r2 = $r | Invoke-AllyChat 'Which is longest?'
        $body = (Get-ChatBodies)[-1]
        Get-Turns $body | Should -Be @('user: Name three rivers', "assistant: $($r.Content)", 'user: Which is longest?')
        $r2.Messages.Count | Should -Be 4
        $r2.Messages[-1].Role | Should -Be 'assistant'
    }

    It 'continues -Conversation the same way, keeping the system prompt unless -System replaces it' {
        $r = Invoke-AllyChat 'Name three rivers' -System 'Answer in French.'
        $null = Invoke-AllyChat 'Which is longest?' -Conversation $r
        (Get-ChatBodies)[-1].messages[0].content | Should -Be 'Answer in French.'
        @((Get-ChatBodies)[-1].messages).Count | Should -Be 4
        $null = Invoke-AllyChat 'And the shortest?' -Conversation $r -System 'Answer in German.'
        $messages = @((Get-ChatBodies)[-1].messages)
        $messages[0].content | Should -Be 'Answer in German.'
        @($messages | Where-Object role -eq 'system').Count | Should -Be 1
    }

    It 'stays with the model the conversation was held with, unless -Model or -Provider says otherwise' {
        $r = Invoke-AllyChat 'hi' -Model llama3.2
        $env:ALLY_MODEL = 'qwen3'
        $null = $r | Invoke-AllyChat 'again'
        (Get-ChatBodies)[-1].model | Should -Be 'llama3.2'
        $null = $r | Invoke-AllyChat 'again' -Model llama3.1
        (Get-ChatBodies)[-1].model | Should -Be 'llama3.1'
    }

    It 'sends other piped objects as context beside the conversation' {
        $r = Invoke-AllyChat 'Remember the word banana'
        $null = @($r, 'extra context line') | Invoke-AllyChat 'What was the word?'
        $last = @((Get-ChatBodies)[-1].messages)[-1]
        $last.role | Should -Be 'user'
        $last.content | Should -BeLike '*What was the word?*extra context line*'
        $last.content | Should -Not -BeLike '*Remember the word banana*'
    }

    It 'continues each piped response on its own with -ForEach, and refuses several without it' {
        $a = Invoke-AllyChat 'first'
        $b = Invoke-AllyChat 'second'
        Reset-AllyFakeServer $server
        $out = @($a, $b) | Invoke-AllyChat 'Shorter, please' -ForEach
        $out.Count | Should -Be 2
        $bodies = Get-ChatBodies
        $bodies.Count | Should -Be 2
        (Get-Turns $bodies[0])[0] | Should -Be 'user: first'
        (Get-Turns $bodies[1])[0] | Should -Be 'user: second'
        { @($a, $b) | Invoke-AllyChat 'both?' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidConversation*'
    }

    It 'takes a response after Export-Clixml/Import-Clixml and after ConvertTo-Json/ConvertFrom-Json' {
        $r = Invoke-AllyChat 'Name three rivers'
        $xml = Join-Path $dir 'r.xml'
        $r | Export-Clixml $xml
        $null = Import-Clixml $xml | Invoke-AllyChat 'Which is longest?'
        Get-Turns (Get-ChatBodies)[-1] | Should -Be @('user: Name three rivers', "assistant: $($r.Content)", 'user: Which is longest?')
        $json = $r | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $null = Invoke-AllyChat 'Which is shortest?' -Conversation $json
        Get-Turns (Get-ChatBodies)[-1] | Should -Be @('user: Name three rivers', "assistant: $($r.Content)", 'user: Which is shortest?')
    }

    It 'says what is wrong with something that is not a conversation' {
        $err = $null
        try { Invoke-AllyChat 'hi' -Conversation @{ Messages = 'nope' } -ErrorAction Stop } catch { $err = $_ }
        $err.Exception.Message | Should -BeLike '*Messages list*Role*Content*'
        @(Get-ChatBodies).Count | Should -Be 0
    }

    It 'saves and loads a conversation as versioned JSON without keys, and continues it on another provider' {
        $env:OPENROUTER_API_KEY = $key
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        $r = Invoke-AllyChat 'Name three rivers' -System 'Be brief.'
        $file = Join-Path $dir 'rivers.json'
        $r | Export-AllyConversation $file
        $text = Get-Content -Raw $file
        $text | Should -Not -BeLike "*$key*"
        $saved = $text | ConvertFrom-Json
        $saved.format | Should -Be 'ally.conversation'
        $saved.version | Should -Be 1
        $saved.model | Should -Be 'llama3.1'
        $c = Import-AllyConversation $file
        $c | Should -BeOfType ([Ally.Conversation])
        $c.SystemPrompt | Should -Be 'Be brief.'
        $c.Turns | Should -Be 1
        $c.LastAnswer | Should -Be $r.Content
        $c | Invoke-AllyChat 'Which is longest?' -Provider openrouter -Model openai/gpt-4o | Out-Null
        $sent = @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/v1/chat/completions')[-1].Json
        @($sent.messages).role | Should -Be @('system', 'user', 'assistant', 'user')
        $sent.model | Should -Be 'openai/gpt-4o'
    }

    It 'refuses a file that is not a saved conversation, naming what is wrong, and goes on with the others' {
        $good = Join-Path $dir 'good.json'
        Invoke-AllyChat 'hi' | Export-AllyConversation $good
        $bad = Join-Path $dir 'bad.json'
        Set-Content $bad '{"format":"something else"}'
        $newer = Join-Path $dir 'newer.json'
        Set-Content $newer '{"format":"ally.conversation","version":99,"messages":[]}'
        $out = Import-AllyConversation $bad, $good, $newer -ErrorVariable e -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'NotAConversationFile*'
        $e[0].Exception.Message | Should -BeLike '*ally.conversation*'
        $e[1].FullyQualifiedErrorId | Should -BeLike 'UnsupportedConversationFile*'
    }

    It 'does not replace a file with -NoClobber, and changes nothing with -WhatIf' {
        $file = Join-Path $dir 'keep.json'
        Set-Content $file 'original'
        $r = Invoke-AllyChat 'hi'
        { $r | Export-AllyConversation $file -NoClobber -ErrorAction Stop } | Should -Throw
        $r | Export-AllyConversation $file -WhatIf
        Get-Content -Raw $file | Should -BeLike 'original*'
    }

    Context 'Context windows' {
        BeforeAll {
            # A long conversation: ten turns of about 700 estimated tokens each.
            function New-LongConversation([int] $Turns = 10) {
                $messages = [System.Collections.Generic.List[Ally.ChatMessage]]::new()
                $messages.Add([Ally.ChatMessage]::new('system', 'Be brief.'))
                foreach ($i in 1..$Turns) {
                    $messages.Add([Ally.ChatMessage]::new('user', "Question $i " + ('x' * 2000)))
                    $messages.Add([Ally.ChatMessage]::new('assistant', "Answer $i"))
                }
                [Ally.Conversation]::new($messages, 'ollama', 'small')
            }
        }

        BeforeEach {
            Set-AllyFakeModel $server @{ name = 'small'; context_length = 4096; capabilities = @('completion') } -Add | Out-Null
        }

        It 'asks nothing more for a short request' {
            $null = Invoke-AllyChat 'hi'
            @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/show').Count | Should -Be 0
            (Get-ChatBodies)[-1].options.num_ctx | Should -BeNullOrEmpty
        }

        It 'leaves out the oldest turns with a warning (never the system prompt or the question), and sets num_ctx to fit' {
            $r = Invoke-AllyChat 'Last question?' -Conversation (New-LongConversation) -WarningVariable w 3>$null
            $r | Should -Not -BeNullOrEmpty
            ($w -join ' ') | Should -BeLike '*small*4,096*oldest*turns were left out*'
            $body = (Get-ChatBodies)[-1]
            $messages = @($body.messages)
            $messages[0].content | Should -Be 'Be brief.'
            $messages[-1].content | Should -Be 'Last question?'
            $messages.Count | Should -BeLessThan 22
            $messages[1].role | Should -Be 'user'   # whole turns only
            $body.options.num_ctx | Should -BeLessOrEqual 4096
            $body.options.num_ctx | Should -BeGreaterThan 2048
        }

        It 'sends a question too long for the window alone, saying the model may not see all of it' {
            $long = 'y' * 20000
            $null = Invoke-AllyChat $long -Conversation (New-LongConversation -Turns 2) -WarningVariable w 3>$null
            ($w -join ' ') | Should -BeLike '*question alone*small*may not see all of it*'
            $messages = @((Get-ChatBodies)[-1].messages)
            $messages.Count | Should -Be 2
            $messages[0].role | Should -Be 'system'
            $messages[1].content | Should -Be $long
        }

        It 'fails with -NoTruncate before sending anything' {
            $err = $null
            try { Invoke-AllyChat 'Last question?' -Conversation (New-LongConversation) -NoTruncate -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'ContextLengthExceeded*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*-NoTruncate*'
            @(Get-ChatBodies).Count | Should -Be 0
        }

        It 'sets num_ctx for a long conversation that fits the model (Ollama cuts long prompts at its small default)' {
            $null = Invoke-AllyChat 'Last question?' -Conversation (New-LongConversation -Turns 4) -Model llama3.1 -WarningVariable w
            $w | Should -BeNullOrEmpty
            $body = (Get-ChatBodies)[-1]
            @($body.messages).Count | Should -Be 10
            $body.options.num_ctx | Should -BeGreaterThan 3000
            $body.options.num_ctx % 1024 | Should -Be 0
        }

        It 'keeps the num_ctx the user set, and fits the conversation into it' {
            $null = Invoke-AllyChat 'Last question?' -Conversation (New-LongConversation -Turns 4) -Model llama3.1 -Options @{ num_ctx = 2500 } -WarningVariable w 3>$null
            $body = (Get-ChatBodies)[-1]
            $body.options.num_ctx | Should -Be 2500
            ($w -join ' ') | Should -BeLike '*2,500*left out*'
        }
    }
}
