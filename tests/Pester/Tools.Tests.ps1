#Requires -Version 7.4
# PowerShell commands as tools: the schema offered, the call loop on the pipeline thread, the call
# cap, safety (only offered commands and parameters, ShouldProcess, -Force), failing tools, Ollama
# whole calls (with and without ids), OpenRouter fragments by index, llama.cpp's empty ids.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'ALLY_OPENAI_BASE_URL', 'OPENAI_API_KEY', 'ALLY_CONFIG'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer
    $script:llama = Start-AllyFakeServer -Flavor LlamaCpp
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) ('ally-tools-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $dir | Out-Null

    function global:Get-AllyTestThing {
        <#
        .SYNOPSIS
            Gets things from the test store.
        .PARAMETER Name
            The thing's name.
        .PARAMETER Count
            How many to get.
        #>
        [CmdletBinding()]
        param(
            [Parameter(Mandatory)] [string] $Name,
            [ValidateSet('Small', 'Large')] [string] $Size,
            [ValidateRange(1, 10)] [int] $Count = 1,
            [switch] $Detailed,
            [scriptblock] $Filter
        )
        $global:AllyToolThread = [Threading.Thread]::CurrentThread.ManagedThreadId
        1..$Count | ForEach-Object { [pscustomobject]@{ Name = "$Name-$_"; Size = if ($Size) { $Size } else { 'Any' } } }
    }
    function global:Get-AllyTestBroken {
        [CmdletBinding()]
        param([string] $Why = 'the store is closed')
        throw "Cannot get things: $Why"
    }
    function global:Remove-AllyTestThing {
        [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
        param([Parameter(Mandatory)] [string] $Name)
        if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { $global:AllyRemoved += @($Name); "Removed $Name" }
    }

    function Get-ChatBodies { @(Get-AllyFakeRequest $server -Path '/api/chat' | ForEach-Object Json) }
    function Set-Calls([object[]] $Calls, [hashtable] $More = @{}) {
        $behavior = @{ toolCalls = @($Calls) } + $More
        Set-AllyFakeBehavior $server $behavior
    }
}

AfterAll {
    Stop-AllyFakeServer $server
    Stop-AllyFakeServer $llama
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
    Remove-Item function:global:Get-AllyTestThing, function:global:Get-AllyTestBroken, function:global:Remove-AllyTestThing -ErrorAction Ignore
}

Describe 'Tools with Ollama' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
        $global:AllyRemoved = @()
        $global:AllyToolThread = $null
    }

    It 'offers a command with a schema from its parameter set, help and validation attributes' {
        Invoke-AllyChat 'What things are there?' -Tool (Get-Command Get-AllyTestThing) | Out-Null
        $tool = (Get-ChatBodies)[0].tools
        @($tool).Count | Should -Be 1
        $tool[0].type | Should -Be 'function'
        $f = $tool[0].function
        $f.name | Should -Be 'Get-AllyTestThing'
        $f.description | Should -Be 'Gets things from the test store.'
        $p = $f.parameters
        $p.type | Should -Be 'object'
        @($p.required) | Should -Be @('Name')
        $p.properties.Name.type | Should -Be 'string'
        $p.properties.Name.description | Should -Be "The thing's name."
        $p.properties.Size.enum | Should -Be @('Small', 'Large')
        $p.properties.Count.type | Should -Be 'integer'
        $p.properties.Count.minimum | Should -Be 1
        $p.properties.Count.maximum | Should -Be 10
        $p.properties.Detailed.type | Should -Be 'boolean'
        # No script blocks, common parameters or confirmation switches for a model.
        $p.properties.PSObject.Properties.Name | Should -Not -Contain 'Filter'
        $p.properties.PSObject.Properties.Name | Should -Not -Contain 'Verbose'
        $p.properties.PSObject.Properties.Name | Should -Not -Contain 'Confirm'
    }

    It 'runs a call on the pipeline thread, sends the result back under its id, and records it' {
        Set-Calls @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'box'; Count = 2; Size = 'Large' } }
        $r = Invoke-AllyChat 'Get two large boxes' -Tool Get-AllyTestThing
        $global:AllyToolThread | Should -Be ([Threading.Thread]::CurrentThread.ManagedThreadId)
        $bodies = Get-ChatBodies
        $bodies.Count | Should -Be 2
        $assistant = $bodies[1].messages[1]
        $assistant.role | Should -Be 'assistant'
        $assistant.tool_calls[0].function.name | Should -Be 'Get-AllyTestThing'
        $assistant.tool_calls[0].function.arguments.Name | Should -Be 'box'
        $toolMessage = $bodies[1].messages[2]
        $toolMessage.role | Should -Be 'tool'
        $toolMessage.tool_name | Should -Be 'Get-AllyTestThing'
        $toolMessage.tool_call_id | Should -Be $assistant.tool_calls[0].id
        $toolMessage.content | Should -Match 'box-1'
        $toolMessage.content | Should -Match 'box-2'
        $toolMessage.content | Should -Match 'Large'
        $r.Content | Should -Match '^Tool results: '
        $r.Content | Should -Match 'box-2'
        $r.ToolCalls.Count | Should -Be 1
        $r.ToolCalls[0].Id | Should -Be $assistant.tool_calls[0].id
        $r.ToolCalls[0].Status | Should -Be 'Completed'
        $r.ToolCalls[0].Name | Should -Be 'Get-AllyTestThing'
        ($r.ToolCalls[0].Arguments | ConvertFrom-Json).Count | Should -Be 2
        $r.ToolCalls[0].Duration | Should -BeOfType [timespan]
        $r.ToolCallLimitReached | Should -BeFalse
        # The whole exchange is on the response: question, call, result, answer.
        @($r.Messages.Role) | Should -Be @('user', 'assistant', 'tool', 'assistant')
    }

    It 'makes its own ids when the server gives none, and keeps them end to end' {
        Set-Calls @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'cup' } } @{ toolCallIds = $false }
        $r = Invoke-AllyChat 'Get a cup' -Tool Get-AllyTestThing
        $second = (Get-ChatBodies)[1]
        $id = $second.messages[1].tool_calls[0].id
        $id | Should -Match '^call_\w+'
        $second.messages[2].tool_call_id | Should -Be $id
        $r.ToolCalls[0].Id | Should -Be $id
    }

    It 'runs two calls of one turn in order' {
        Set-Calls @(@{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'first' } }, @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'second' } })
        $r = Invoke-AllyChat 'Get both' -Tool Get-AllyTestThing
        $r.ToolCalls.Count | Should -Be 2
        $second = (Get-ChatBodies)[1]
        @($second.messages | Where-Object role -eq 'tool' | ForEach-Object { $_.content -match 'first-1' }) | Should -Be @($true, $false)
        $r.Content | Should -Match '(?s)first-1.*\|.*second-1'
    }

    It 'shows each call as a [tool] line among the streamed answer with -Stream' {
        Set-Calls @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'mug' } }
        $r = Invoke-AllyChat 'Get a mug' -Tool Get-AllyTestThing -Stream -PassThru -InformationVariable shown 6>$null
        $lines = @($shown | Where-Object { $_.Tags -contains 'Ally.ToolCall' } | ForEach-Object { "$($_.MessageData)" })
        $lines | Should -Be @('[tool] Get-AllyTestThing {"Name":"mug"}: Completed')
        (@($shown | Where-Object { $_.Tags -contains 'Ally.Content' } | ForEach-Object { "$($_.MessageData)" }) -join '') | Should -Match 'mug-1'
        $r.ToolCalls.Count | Should -Be 1
    }

    It 'stops at -MaxToolCalls with a warning naming the cap, and the response says so' {
        Set-Calls @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'again' } } @{ toolLoop = $true }
        $r = Invoke-AllyChat 'Loop' -Tool Get-AllyTestThing -MaxToolCalls 2 -WarningVariable warned 3>$null
        (Get-ChatBodies).Count | Should -Be 3
        "$warned" | Should -Match 'after 2 tool calls'
        "$warned" | Should -Match '-MaxToolCalls 2'
        $r.ToolCallLimitReached | Should -BeTrue
        @($r.ToolCalls.Status) | Should -Be @('Completed', 'Completed', 'NotRun')
        # Every call the model made has its answer in the conversation.
        @($r.Messages | Where-Object Role -eq 'tool').Count | Should -Be 3
    }

    It 'returns a failing tool''s error to the model without ending the chat' {
        Set-Calls @{ name = 'Get-AllyTestBroken'; arguments = @{ Why = 'it is Sunday' } }
        $r = Invoke-AllyChat 'Get things' -Tool Get-AllyTestBroken -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $r.ToolCalls[0].Status | Should -Be 'Failed'
        $r.ToolCalls[0].Error | Should -Match 'it is Sunday'
        (Get-ChatBodies)[1].messages[2].content | Should -Match 'Cannot get things: it is Sunday'
        $r.IsComplete | Should -BeTrue
    }

    It 'refuses a command that was not offered, and a parameter that was not offered' {
        Set-Calls @(@{ name = 'Remove-Item'; arguments = @{ Path = '/' } }, @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'x'; Filter = '{ $true }' } })
        $r = Invoke-AllyChat 'Do it' -Tool Get-AllyTestThing
        $r.ToolCalls[0].Status | Should -Be 'Refused'
        $r.ToolCalls[0].Output | Should -Match "no tool named 'Remove-Item'.*Get-AllyTestThing"
        $r.ToolCalls[1].Status | Should -Be 'Failed'
        $r.ToolCalls[1].Output | Should -Match "no parameter 'Filter'"
        $global:AllyToolThread | Should -BeNullOrEmpty
    }

    It 'never lets the model turn off a confirmation' {
        Set-Calls @{ name = 'Remove-AllyTestThing'; arguments = @{ Name = 'box'; Confirm = $false } }
        $r = Invoke-AllyChat 'Remove the box' -Tool Remove-AllyTestThing
        $r.ToolCalls[0].Status | Should -Be 'Failed'
        $global:AllyRemoved | Should -BeNullOrEmpty
    }

    It 'refuses a command that changes things in a session that cannot ask, and tells the model' {
        Set-Calls @{ name = 'Remove-AllyTestThing'; arguments = @{ Name = 'box' } }
        $r = Invoke-AllyChat 'Remove the box' -Tool Remove-AllyTestThing
        $global:AllyRemoved | Should -BeNullOrEmpty
        $r.ToolCalls[0].Status | Should -Be 'Refused'
        (Get-ChatBodies)[1].messages[2].content | Should -Match 'cannot ask the user to confirm.*-Force'
    }

    It 'runs it with -Force, without the command asking again' {
        Set-Calls @{ name = 'Remove-AllyTestThing'; arguments = @{ Name = 'box' } }
        $r = Invoke-AllyChat 'Remove the box' -Tool Remove-AllyTestThing -Force
        $global:AllyRemoved | Should -Be @('box')
        $r.ToolCalls[0].Status | Should -Be 'Completed'
        $r.ToolCalls[0].Output | Should -Be 'Removed box'
    }

    It 'declines it with -WhatIf' {
        Set-Calls @{ name = 'Remove-AllyTestThing'; arguments = @{ Name = 'box' } }
        $r = Invoke-AllyChat 'Remove the box' -Tool Remove-AllyTestThing -WhatIf
        $global:AllyRemoved | Should -BeNullOrEmpty
        $r.ToolCalls[0].Status | Should -Be 'Declined'
        (Get-ChatBodies)[1].messages[2].content | Should -Match 'declined'
    }

    It 'gives the server''s text and a remedy for a model without tool support' {
        Set-AllyFakeModel $server @(@{ name = 'gemma:2b'; capabilities = @('completion') }) -Add
        $err = $null
        Invoke-AllyChat 'Hi' -Model gemma:2b -Tool Get-AllyTestThing -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ToolsNotSupported,*'
        $err[0].Exception.Message | Should -Match 'does not support tools'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Get-AllyModel -Detailed'
    }

    It 'fails before any request for a command that does not exist or cannot be a tool' {
        { Invoke-AllyChat 'Hi' -Tool 'Get-NoSuchAllyThing' -ErrorAction Stop } | Should -Throw '*no command named*Get-NoSuchAllyThing*'
        $err = $null
        try { Invoke-AllyChat 'Hi' -Tool (Get-Command ForEach-Object) -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidTool,*'
        $err.Exception.Message | Should -Match 'ScriptBlock'
        Get-ChatBodies | Should -BeNullOrEmpty
    }

    It 'continues a conversation with tool calls, also after saving and loading it' {
        Set-Calls @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'pen' } }
        $r = Invoke-AllyChat 'Get a pen' -Tool Get-AllyTestThing
        $file = Join-Path $dir 'tools.json'
        $r | Export-AllyConversation -Path $file
        Set-AllyFakeBehavior $server @{ toolCalls = $null }
        Import-AllyConversation $file | Invoke-AllyChat 'Thanks' | Out-Null
        $last = (Get-ChatBodies)[-1]
        @($last.messages.role) | Should -Be @('user', 'assistant', 'tool', 'assistant', 'user')
        $last.messages[1].tool_calls[0].id | Should -Be $r.ToolCalls[0].Id
        $last.messages[2].tool_call_id | Should -Be $r.ToolCalls[0].Id
        $last.messages[1].tool_calls[0].function.arguments.Name | Should -Be 'pen'

        # The same after Export-Clixml/Import-Clixml (a job or remoting deserializes alike).
        $xml = Join-Path $dir 'tools.xml'
        $r | Export-Clixml -Path $xml
        Invoke-AllyChat 'Thanks again' -Conversation (Import-Clixml $xml) | Out-Null
        $last = (Get-ChatBodies)[-1]
        @($last.messages.role) | Should -Be @('user', 'assistant', 'tool', 'assistant', 'user')
        $last.messages[1].tool_calls[0].id | Should -Be $r.ToolCalls[0].Id
        $last.messages[1].tool_calls[0].function.arguments.Name | Should -Be 'pen'
        $last.messages[2].tool_call_id | Should -Be $r.ToolCalls[0].Id
        $last.messages[2].tool_name | Should -Be 'Get-AllyTestThing'
    }
}

Describe 'Tools with OpenAI-style servers' {
    BeforeEach {
        Reset-AllyFakeServer $server
        Reset-AllyFakeServer $llama
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $global:AllyToolThread = $null
    }

    It 'assembles OpenRouter''s streamed fragments by index, two calls in one turn, ids kept end to end' {
        $env:OPENROUTER_API_KEY = $key
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        Set-AllyFakeBehavior $server @{ toolCalls = @(@{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'left'; Count = 2 } }, @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'right' } }) }
        $r = Invoke-AllyChat 'Get both' -Provider openrouter -Model openai/gpt-4o -Tool Get-AllyTestThing
        $r.ToolCalls.Count | Should -Be 2
        ($r.ToolCalls[0].Arguments | ConvertFrom-Json).Count | Should -Be 2
        ($r.ToolCalls[1].Arguments | ConvertFrom-Json).Name | Should -Be 'right'
        $bodies = @(Get-AllyFakeRequest $server -Path '/api/v1/chat/completions' | ForEach-Object Json)
        $bodies.Count | Should -Be 2
        $assistant = $bodies[1].messages[1]
        $assistant.tool_calls[0].function.arguments | Should -BeOfType [string]
        @($bodies[1].messages | Where-Object role -eq 'tool' | ForEach-Object tool_call_id) | Should -Be @($assistant.tool_calls.id)
        @($r.ToolCalls.Id) | Should -Be @($assistant.tool_calls.id)
        $r.Content | Should -Match 'left-2'
        $r.Content | Should -Match 'right-1'
        $bodies[0].tools[0].function.name | Should -Be 'Get-AllyTestThing'
    }

    It 'gives OpenRouter''s text and a remedy for a model without tool support' {
        $env:OPENROUTER_API_KEY = $key
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        $err = $null
        Invoke-AllyChat 'Hi' -Provider openrouter -Model 'meta-llama/llama-3.2-3b-instruct:free' -Tool Get-AllyTestThing -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ToolsNotSupported,*'
        $err[0].Exception.Message | Should -Match 'tool use'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Get-AllyModel -Provider openrouter \| Where-Object SupportsTools'
    }

    It 'makes ids for llama.cpp''s empty ones' {
        $env:ALLY_OPENAI_BASE_URL = "$($llama.Url)v1"
        $env:OPENAI_API_KEY = 'sk-ally-test-not-a-real-key'
        Set-AllyFakeBehavior $llama @{ toolCalls = @(@{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'a' } }, @{ name = 'Get-AllyTestThing'; arguments = @{ Name = 'b' } }); toolCallIds = $false }
        $r = Invoke-AllyChat 'Get a and b' -Provider openai -Tool Get-AllyTestThing
        $r.ToolCalls.Count | Should -Be 2
        @($r.ToolCalls.Id | Where-Object { $_ -match '^call_\w+' }).Count | Should -Be 2
        $r.ToolCalls[0].Id | Should -Not -Be $r.ToolCalls[1].Id
        $second = @(Get-AllyFakeRequest $llama -Path '/v1/chat/completions' | ForEach-Object Json)[1]
        @($second.messages | Where-Object role -eq 'tool' | ForEach-Object tool_call_id) | Should -Be @($r.ToolCalls.Id)
        $r.Content | Should -Match '(?s)a-1.*\|.*b-1'
    }
}
