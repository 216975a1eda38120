#Requires -Version 7.4
# Structured output: -Schema / -Format Json / -AsObject; the format in the request (Ollama format,
# response_format); Ally's own check of every answer, asking again with what did not match, and
# StructuredOutputInvalid rather than a silent wrong shape when a server ignores the format.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'ALLY_CONFIG'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    $script:river = [ordered]@{
        type       = 'object'
        properties = [ordered]@{
            name   = @{ type = 'string' }
            length = @{ type = 'integer'; minimum = 1 }
            cities = @{ type = 'array'; items = @{ type = 'string' }; minItems = 1 }
        }
        required   = @('name', 'length')
    }
    function Get-ChatBodies { @(Get-AllyFakeRequest $server -Path '/api/chat' | ForEach-Object Json) }
}

AfterAll {
    Stop-AllyFakeServer $server
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'Structured output' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
    }

    It 'sends a -Schema hashtable as Ollama''s format and returns the checked answer as objects with -AsObject' {
        $o = Invoke-AllyChat 'Describe the longest river' -Schema $river -AsObject
        $o | Should -BeOfType [pscustomobject]
        $o.name | Should -BeOfType [string]
        $o.length | Should -BeOfType [long]
        @($o.cities).Count | Should -BeGreaterOrEqual 1
        $body = (Get-ChatBodies)[0]
        $body.format.type | Should -Be 'object'
        @($body.format.required) | Should -Be @('name', 'length')
        $body.format.properties.length.minimum | Should -Be 1
        # The schema is in words too, for servers that ignore format.
        $body.messages[-1].content | Should -Match 'JSON Schema'
        (Get-ChatBodies).Count | Should -Be 1
    }

    It 'keeps the response with its checked JSON without -AsObject' {
        $r = Invoke-AllyChat 'Describe the longest river' -Schema ($river | ConvertTo-Json -Depth 5)
        $r | Should -BeOfType ([Ally.ChatResponse])
        ($r.Json | ConvertFrom-Json).length | Should -BeGreaterThan 0
    }

    It 'asks for any JSON with -Format Json' {
        $o = Invoke-AllyChat 'Name a river' -Format Json -AsObject
        $o.answer | Should -Match 'Name a river'
        (Get-ChatBodies)[0].format | Should -Be 'json'
    }

    It 'asks again, with what did not match, when a server ignores the format' {
        Set-AllyFakeBehavior $server @{ replies = @(@{ reply = 'The Nile, about 6650 km.' }, @{ reply = '{"name":"Nile","length":"long"}' }, @{ reply = '{"name":"Nile","length":6650}' }) }
        $o = Invoke-AllyChat 'Longest river?' -Schema $river -AsObject -Verbose 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $o.name | Should -Be 'Nile'
        $o.length | Should -Be 6650
        $bodies = Get-ChatBodies
        $bodies.Count | Should -Be 3
        $bodies[1].messages[-1].content | Should -Match 'not JSON'
        $bodies[2].messages[-1].content | Should -Match '\$\.length: should be a whole number, not "long"'
    }

    It 'fails with StructuredOutputInvalid, keeping the response, when the answer never matches (a thinking model ignores format)' {
        $err = $null
        $out = Invoke-AllyChat 'Longest river?' -Model qwen3 -Schema $river -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'StructuredOutputInvalid,*'
        $err[0].Exception.Message | Should -Match 'after 3 tries'
        $err[0].TargetObject | Should -BeOfType ([Ally.ChatResponse])
        $err[0].TargetObject.Content | Should -Not -BeNullOrEmpty
        (Get-ChatBodies).Count | Should -Be 3
    }

    It 'accepts JSON in a code fence' {
        Set-AllyFakeBehavior $server @{ reply = "``````json`n{`"name`": `"Nile`", `"length`": 6650}`n``````" }
        (Invoke-AllyChat 'Longest river?' -Schema $river -AsObject).length | Should -Be 6650
    }

    It 'names the path of what did not match in nested objects and lists' {
        Set-AllyFakeBehavior $server @{ reply = '{"name":"Nile","length":6650,"cities":[1]}' }
        $err = $null
        Invoke-AllyChat 'Longest river?' -Schema $river -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match '\$\.cities\[0\]: should be a string, not 1'
    }

    It 'refuses a schema it cannot use before any request' {
        $err = $null
        try { Invoke-AllyChat 'Hi' -Schema @{ type = 'thing' } -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidSchema,*'
        $err.Exception.Message | Should -Match '\$\.type'
        { Invoke-AllyChat 'Hi' -Schema '{not json' -ErrorAction Stop } | Should -Throw '*not JSON*'
        { Invoke-AllyChat 'Hi' -Schema @{ type = 'object'; properties = @{ a = @{ '$ref' = '#/$defs/missing' } } } -ErrorAction Stop } | Should -Throw '*does not point into the schema*'
        Get-ChatBodies | Should -BeNullOrEmpty
    }

    It 'sends response_format to OpenRouter and checks the answer there too' {
        $env:OPENROUTER_API_KEY = $key
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        $o = Invoke-AllyChat 'Longest river?' -Provider openrouter -Model openai/gpt-4o -Schema $river -AsObject
        $o.length | Should -BeGreaterThan 0
        $body = (Get-AllyFakeRequest $server -Path '/api/v1/chat/completions')[0].Json
        $body.response_format.type | Should -Be 'json_schema'
        $body.response_format.json_schema.schema.required | Should -Be @('name', 'length')
    }

    It 'asks again on OpenRouter when the model ignores response_format' {
        $env:OPENROUTER_API_KEY = $key
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        Set-AllyFakeBehavior $server @{ replies = @(@{ reply = 'It is the Nile.' }, @{ reply = '{"name":"Nile","length":6650}' }) }
        $o = Invoke-AllyChat 'Longest river?' -Provider openrouter -Model 'meta-llama/llama-3.2-3b-instruct:free' -Schema $river -AsObject
        $o.name | Should -Be 'Nile'
        @(Get-AllyFakeRequest $server -Path '/api/v1/chat/completions').Count | Should -Be 2
    }
}
