#Requires -Version 7.4
# Enter-AllyChat driven for real: a pwsh in a tmux terminal, keys sent with send-keys, the screen
# read with capture-pane, the requests read back from the fake server. Every wait polls the screen
# with a generous deadline (a loaded machine is slow, never wrong); no sleep is an assertion.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force

    $script:tmux = Get-Command tmux -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source
    if (-not $tmux) {
        throw 'These tests drive Enter-AllyChat in a terminal with tmux, which is not installed. Install it (apt-get install tmux, brew install tmux); .ci/run does.'
    }
    # A tmux server of our own: the user's sessions are never touched, and AfterAll ends it.
    $script:socket = "ally-test-$PID-$(Get-Random)"
    $script:server = Start-AllyFakeServer
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) ('ally-enter-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $dir | Out-Null
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    $script:sessions = 0
    # The PowerShell these tests run on; under `dotnet pwsh` that is dotnet with pwsh.dll.
    $script:pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $script:pwsh += Join-Path $PSHOME 'pwsh.dll' }

    function Invoke-Tmux {
        $out = & $tmux -L $socket @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "tmux $($args -join ' ') failed: $out" }
        $out
    }

    function Start-Chat {
        <# Starts pwsh in a new 160x50 terminal, imports Ally, points it at the fake, runs $Command; returns the session name. #>
        param([string] $Command = '$c = Enter-AllyChat')
        $name = "chat$(++$script:sessions)"
        $start = Join-Path $dir "$name.ps1"
        # Dot-sourced, so $c lands in the global scope of the interactive session.
        @"
`$env:CI = `$null
foreach (`$n in 'ALLY_PROVIDER', 'ALLY_MODEL', 'ALLY_CONFIG', 'OPENAI_API_KEY', 'ALLY_SECRET_VAULT') { [Environment]::SetEnvironmentVariable(`$n, `$null) }
`$env:OLLAMA_HOST = '$($server.Url)'
`$env:ALLY_OPENROUTER_BASE_URL = '$($server.Url)api/v1'
`$env:OPENROUTER_API_KEY = '$key'
Set-Location '$dir'
Import-Module '$env:ALLY_TEST_MODULE'
$Command
"@ | Set-Content -Path $start -Encoding utf8NoBOM
        # Run without a shell (several arguments); env keeps PSReadLine's history and PowerShell's
        # update check out of the user's profile.
        Invoke-Tmux new-session -d -s $name -x 160 -y 50 env "XDG_DATA_HOME=$dir" 'POWERSHELL_UPDATECHECK=Off' 'POWERSHELL_TELEMETRY_OPTOUT=1' `
            @pwsh -NoProfile -NoLogo -NoExit -Command ". '$start'" | Out-Null
        $name
    }

    function Get-Screen([string] $Session) {
        # The whole history, wrapped lines joined, without the blank rows below the cursor.
        ((Invoke-Tmux capture-pane -p -J -S - -t $Session) -join "`n").TrimEnd()
    }

    function Wait-Screen {
        <# Polls the screen until $Pattern (multi-line: ^ and $ match at each line) matches the text written after $After (a length from Send-Line), or fails showing the screen. #>
        param(
            [Parameter(Mandatory)] [string] $Session,
            [Parameter(Mandatory)] [string] $Pattern,
            [int] $After = 0,
            [int] $TimeoutSec = 60,
            [string] $Not
        )
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        do {
            $screen = Get-Screen $Session
            $new = if ($screen.Length -gt $After) { $screen.Substring($After) } else { '' }
            if ([regex]::IsMatch($new, $Pattern, 'Multiline') -and (-not $Not -or -not [regex]::IsMatch($new, $Not, 'Multiline'))) { return $new }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        throw "No /$Pattern/$(if ($Not) { " without /$Not/" }) on the screen within $TimeoutSec s. The screen:`n$screen"
    }

    function Send-Line([string] $Session, [string] $Text) {
        <# Types $Text and Enter; returns how long the screen was before, for Wait-Screen -After. #>
        $before = (Get-Screen $Session).Length
        if ($Text) { Invoke-Tmux send-keys -t $Session -l -- $Text | Out-Null }
        Invoke-Tmux send-keys -t $Session Enter | Out-Null
        $before
    }

    function Send-Key([string] $Session, [string] $Key) {
        $before = (Get-Screen $Session).Length
        Invoke-Tmux send-keys -t $Session $Key | Out-Null
        $before
    }

    # The prompt of the chat, and PowerShell's own.
    function Prompt([string] $Provider = 'ollama', [string] $Model = 'llama3\.1') { "^ally \($Provider $Model\)>\s*$" }
    $script:PsPrompt = '^PS [^\n]*>\s*$'

    function Wait-Chat([string] $Session) { Wait-Screen $Session '/help lists the commands[\s\S]*ally \(' | Out-Null }

    function Ask([string] $Session, [string] $Text, [string] $Prompt = (Prompt)) {
        <# Sends a message (or command) and waits for the next prompt; returns what was written in between. #>
        $at = Send-Line $Session $Text
        Wait-Screen $Session $Prompt -After $at
    }

    function Get-ChatBody([string] $Path = '/api/chat') { @(Get-AllyFakeRequest $server -Path $Path | ForEach-Object Json) }
    function Get-Turns($Body) { @($Body.messages | ForEach-Object { "$($_.role): $($_.content)" }) }
}

AfterAll {
    if ($script:tmux) { & $tmux -L $socket kill-server 2>$null }
    if ($script:server) { Stop-AllyFakeServer $server }
    if ($script:dir) { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
}

Describe 'Enter-AllyChat in a terminal' {
    BeforeEach {
        Reset-AllyFakeServer $server
    }

    AfterEach {
        if ($script:session) { & $tmux -L $socket kill-session -t $session 2>$null }
        $script:session = $null
    }

    It 'streams the answer as it arrives and sends the whole conversation with the next message' {
        Set-AllyFakeBehavior $server @{ reply = 'alpha beta gamma delta epsilon'; chunkDelayMs = 300 }
        $script:session = Start-Chat
        Wait-Chat $session
        $at = Send-Line $session 'Name five letters'
        # Seen while it streams: the first words without the last.
        Wait-Screen $session 'alpha' -After $at -Not 'epsilon' | Out-Null
        Wait-Screen $session "alpha beta gamma delta epsilon\s*\n[\s\S]*$(Prompt)" -After $at | Out-Null
        Set-AllyFakeBehavior $server @{ reply = $null; chunkDelayMs = 0 }
        Ask $session 'And the sixth?' | Should -Match 'You said: And the sixth\?'
        $bodies = Get-ChatBody
        $bodies | Should -HaveCount 2
        Get-Turns $bodies[1] | Should -Be @('user: Name five letters', 'assistant: alpha beta gamma delta epsilon', 'user: And the sixth?')
    }

    It 'takes multi-line messages: a backslash goes on on the next line, """ encloses a block, // sends a leading slash' {
        $script:session = Start-Chat
        Wait-Chat $session
        $at = Send-Line $session 'first line \'
        Wait-Screen $session '^>>\s*$' -After $at | Out-Null
        Ask $session 'second line' | Out-Null
        Send-Line $session '"""' | Out-Null
        Send-Line $session '/not a command' | Out-Null
        Send-Line $session '' | Out-Null
        Ask $session '"""' | Out-Null
        Ask $session '//etc/hosts is a file' | Out-Null
        # An empty line sends nothing.
        Ask $session '' | Out-Null
        $sent = Get-ChatBody | ForEach-Object { $_.messages[-1].content }
        $sent | Should -Be @("first line `nsecond line", "/not a command`n", '/etc/hosts is a file')
    }

    It 'brings back earlier lines with Up and Down' {
        $script:session = Start-Chat
        Wait-Chat $session
        Ask $session 'the first question' | Out-Null
        Ask $session 'the second question' | Out-Null
        # Up twice: the first; Down once: the second; Enter sends it again.
        Invoke-Tmux send-keys -t $session Up Up Down | Out-Null
        Ask $session '' | Out-Null
        # Up and Down past either end keep the line; a line typed then left with Up comes back with Down.
        Invoke-Tmux send-keys -t $session -l -- 'draft' | Out-Null
        Invoke-Tmux send-keys -t $session Up Down Down | Out-Null
        Ask $session ' kept' | Out-Null
        $sent = Get-ChatBody | ForEach-Object { $_.messages[-1].content }
        $sent | Should -Be @('the first question', 'the second question', 'the second question', 'draft kept')
    }

    It '/model, /provider and /system change the next request; a value that cannot be used is an error and the chat goes on' {
        $script:session = Start-Chat
        Wait-Chat $session
        Ask $session '/model' | Should -Match 'Provider ollama \(from the default\), model llama3\.1 \(from the default\), Ollama at http://127\.0\.0\.1'
        Ask $session '/model llama3.2' (Prompt -Model 'llama3\.2') | Should -Match 'Now chatting with llama3\.2 on ollama'
        Ask $session '/system Answer in French.' (Prompt -Model 'llama3\.2') | Should -Match 'System prompt set'
        Ask $session '/system' (Prompt -Model 'llama3\.2') | Should -Match 'System prompt: Answer in French\.'
        Ask $session 'Hello' (Prompt -Model 'llama3\.2') | Out-Null
        $body = (Get-ChatBody)[-1]
        $body.model | Should -Be 'llama3.2'
        $body.messages[0].content | Should -Be 'Answer in French.'

        Ask $session '/provider nope' (Prompt -Model 'llama3\.2') | Should -Match "'nope' \(from /provider\) cannot be used[\s\S]*Use one of: ollama, openrouter, openai"
        Ask $session '/provider openrouter openai/gpt-4o' (Prompt 'openrouter' 'openai/gpt-4o') | Should -Match 'Now chatting with openai/gpt-4o on openrouter'
        Ask $session '/system none' (Prompt 'openrouter' 'openai/gpt-4o') | Should -Match 'System prompt removed'
        Ask $session 'Still there?' (Prompt 'openrouter' 'openai/gpt-4o') | Out-Null
        $routed = (Get-ChatBody '/api/v1/chat/completions')[-1]
        $routed.model | Should -Be 'openai/gpt-4o'
        # The conversation went along to the other provider; the system prompt did not.
        Get-Turns $routed | Should -Be @('user: Hello', 'assistant: You said: Hello', 'user: Still there?')
    }

    It '/save, /load, /clear, /tools, /help and an unknown command' {
        $script:session = Start-Chat
        Wait-Chat $session
        Ask $session 'Remember banana' | Out-Null
        Ask $session '/save saved.json' | Should -Match 'Saved 1 turn to .*saved\.json'
        Ask $session '/save saved.json' | Should -Match 'saved\.json exists; /save! saved\.json replaces it'
        Ask $session 'Remember cherry' | Out-Null
        Ask $session '/save! saved.json' | Should -Match 'Saved 2 turns'
        (Import-AllyConversation (Join-Path $dir 'saved.json')).Turns | Should -Be 2

        Ask $session '/clear' | Should -Match 'Conversation forgotten'
        Ask $session 'Fresh start' | Out-Null
        Get-Turns (Get-ChatBody)[-1] | Should -Be @('user: Fresh start')
        Ask $session '/load saved.json' | Should -Match 'Loaded 2 turns from .*saved\.json'
        Ask $session '/load missing.json' | Should -Match 'missing\.json'
        Ask $session 'What was the fruit?' | Out-Null
        Get-Turns (Get-ChatBody)[-1] | Should -Be @('user: Remember banana', 'assistant: You said: Remember banana',
            'user: Remember cherry', 'assistant: You said: Remember cherry', 'user: What was the fruit?')

        Ask $session '/tools' | Should -Match 'No commands are offered as tools'
        $tools = Ask $session '/tools Get-Date, gps, NoSuch-Command'
        $tools | Should -Match "No command 'NoSuch-Command' was found"
        $tools | Should -Match 'Commands offered as tools: Get-Date, Get-Process\.'
        Ask $session '/tools' | Should -Match 'Commands offered as tools: Get-Date, Get-Process\.'
        Ask $session '/tools none' | Should -Match 'No commands are offered as tools now'
        $help = Ask $session '/help'
        foreach ($command in '/model', '/provider', '/system', '/clear', '/save', '/load', '/tools', '/exit', '/help') { $help | Should -Match ([regex]::Escape($command)) }
        Ask $session '/bogus' | Should -Match 'Unknown command /bogus\. Type /help'
    }

    It 'runs the model''s tool calls, shows them, asks before a command that changes things, and keeps the exchange' {
        $script:session = Start-Chat @'
function global:Get-AllyChatThing { [CmdletBinding()] param([Parameter(Mandatory)] [string] $Name) "thing $Name" }
function global:Remove-AllyChatThing {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param([Parameter(Mandatory)] [string] $Name)
    if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { "removed $Name" }
}
$c = Enter-AllyChat -Tool Get-AllyChatThing
'@
        Wait-Chat $session
        Set-AllyFakeBehavior $server @{ toolCalls = @(@{ name = 'Get-AllyChatThing'; arguments = @{ Name = 'box' } }) }
        $answer = Ask $session 'What is in the box?'
        $answer | Should -Match '\[tool\] Get-AllyChatThing \{"Name":"box"\}: Completed'
        $answer | Should -Match 'Tool results: thing box'
        (Get-ChatBody)[-1].messages[-1].content | Should -Be 'thing box'

        Ask $session '/tools Remove-AllyChatThing' | Should -Match 'Commands offered as tools: Get-AllyChatThing, Remove-AllyChatThing\.'
        Set-AllyFakeBehavior $server @{ toolCalls = @(@{ name = 'Remove-AllyChatThing'; arguments = @{ Name = 'box' } }) }
        # The confirmation prompt reads the keyboard itself: the answer's Ctrl+C watcher leaves it alone.
        $at = Send-Line $session 'Remove the box'
        Wait-Screen $session "Remove-AllyChatThing -Name 'box'[\s\S]*\[Y\] Yes" -After $at | Out-Null
        Send-Line $session 'y' | Out-Null
        Wait-Screen $session "\[tool\] Remove-AllyChatThing \{`"Name`":`"box`"\}: Completed[\s\S]*Tool results: removed box[\s\S]*$(Prompt)" -After $at | Out-Null

        Set-AllyFakeBehavior $server @{ toolCalls = $null }
        Ask $session 'Thanks' | Should -Match 'You said: Thanks'
        $roles = @((Get-ChatBody)[-1].messages | ForEach-Object { if ($_.tool_calls) { 'calls' } else { $_.role } })
        $roles | Should -Be @('user', 'calls', 'tool', 'assistant', 'user', 'calls', 'tool', 'assistant', 'user')

        # Ctrl+C at a confirmation prompt stops the command, as at any PowerShell prompt; the conversation is kept.
        Set-AllyFakeBehavior $server @{ toolCalls = @(@{ name = 'Remove-AllyChatThing'; arguments = @{ Name = 'cup' } }) }
        $at = Send-Line $session 'And the cup'
        Wait-Screen $session '\[Y\] Yes' -After $at | Out-Null
        Send-Key $session 'C-c' | Out-Null
        Wait-Screen $session "The conversation is in \`$AllyConversation\.[\s\S]*$PsPrompt" -After $at | Out-Null
        $at = Send-Line $session '"KEPT=$($AllyConversation.Turns) CTRLC=$([Console]::TreatControlCAsInput)"'
        Wait-Screen $session 'KEPT=3 CTRLC=False' -After $at | Out-Null
    }

    It 'Invoke-AllyChat asks in the terminal before a tool call that changes things: No declines it, Yes runs it' {
        Set-AllyFakeBehavior $server @{ toolCalls = @(@{ name = 'Remove-AllyChatThing'; arguments = @{ Name = 'jar' } }) }
        $script:session = Start-Chat @'
function global:Remove-AllyChatThing {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [string] $Name)
    if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { $global:removed += @($Name); "removed $Name" }
}
$r = Invoke-AllyChat 'Remove the jar' -Tool Remove-AllyChatThing
'@
        Wait-Screen $session "Run the command the model asked for[\s\S]*Remove-AllyChatThing -Name 'jar'[\s\S]*\[Y\] Yes" | Out-Null
        $at = Send-Line $session 'n'
        Wait-Screen $session $PsPrompt -After $at | Out-Null
        $at = Send-Line $session '"STATUS=$($r.ToolCalls[0].Status) REMOVED=$($global:removed.Count)"'
        Wait-Screen $session 'STATUS=Declined REMOVED=0' -After $at | Out-Null
        (Get-ChatBody)[-1].messages[-1].content | Should -Match 'declined'

        $at = Send-Line $session '$r = Invoke-AllyChat ''Remove the jar'' -Tool Remove-AllyChatThing'
        Wait-Screen $session '\[Y\] Yes' -After $at | Out-Null
        $at = Send-Line $session 'y'
        Wait-Screen $session $PsPrompt -After $at | Out-Null
        $at = Send-Line $session '"STATUS=$($r.ToolCalls[0].Status) REMOVED=$($global:removed -join '','')"'
        Wait-Screen $session 'STATUS=Completed REMOVED=jar' -After $at | Out-Null
    }

    It 'Ctrl+C stops an answer only: what was shown is kept (nothing, when nothing had come), and the next message works' {
        Set-AllyFakeBehavior $server @{ reply = 'one two three four five six seven eight nine ten'; chunkDelayMs = 400 }
        $script:session = Start-Chat
        Wait-Chat $session
        $at = Send-Line $session 'Count, please'
        Wait-Screen $session 'one two' -After $at | Out-Null
        Send-Key $session 'C-c' | Out-Null
        $stopped = Wait-Screen $session "Stopped\.[\s\S]*$(Prompt)" -After $at
        $stopped | Should -Not -Match 'nine ten'
        $shown = ([regex]::Match($stopped, 'one two[a-z ]*')).Value.Trim()

        Set-AllyFakeBehavior $server @{ reply = $null; chunkDelayMs = 0 }
        Ask $session 'Go on' | Should -Match 'You said: Go on'
        $turns = Get-Turns (Get-ChatBody)[-1]
        $turns | Should -Be @('user: Count, please', "assistant: $shown", 'user: Go on')
        $shown | Should -Not -BeLike '*ten'

        # Stopped before anything arrived (twice, in one breath): nothing is kept, and the chat goes on.
        Set-AllyFakeBehavior $server @{ responseDelayMs = 10000 }
        $sent = (Get-ChatBody).Count
        $at = Send-Line $session 'Slow to start'
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-ChatBody).Count -eq $sent -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Invoke-Tmux send-keys -t $session C-c C-c | Out-Null
        Wait-Screen $session "Stopped before the answer began; the question is not kept\.[\s\S]*$(Prompt)" -After $at | Out-Null
        Set-AllyFakeBehavior $server @{ responseDelayMs = 0 }
        Ask $session 'Still here?' | Should -Match 'You said: Still here\?'
        Get-Turns (Get-ChatBody)[-1] | Should -Be @('user: Count, please', "assistant: $shown", 'user: Go on', 'assistant: You said: Go on', 'user: Still here?')

        $at = Send-Line $session '/exit'
        Wait-Screen $session $PsPrompt -After $at | Out-Null
        # Back at PowerShell's prompt, Ctrl+C means what it always does.
        $at = Send-Line $session '"TURNS=$($c.Turns) CTRLC=$([Console]::TreatControlCAsInput)"'
        Wait-Screen $session 'TURNS=3 CTRLC=False' -After $at | Out-Null
    }

    It 'Ctrl+C after tools ran keeps the calls and their results, so the model hears of them' {
        $script:session = Start-Chat @'
function global:Get-AllyChatThing { [CmdletBinding()] param([Parameter(Mandatory)] [string] $Name) "thing $Name" }
$c = Enter-AllyChat -Tool Get-AllyChatThing
'@
        Wait-Chat $session
        # The call, then a slow answer after its result.
        Set-AllyFakeBehavior $server @{ toolCalls = @(@{ name = 'Get-AllyChatThing'; arguments = @{ Name = 'lamp' } }); reply = 'The lamp is on the desk next to the old green chair'; chunkDelayMs = 400 }
        $at = Send-Line $session 'Where is the lamp?'
        Wait-Screen $session '\[tool\] Get-AllyChatThing[\s\S]*The lamp' -After $at | Out-Null
        Send-Key $session 'C-c' | Out-Null
        Wait-Screen $session "Stopped\.[\s\S]*$(Prompt)" -After $at | Out-Null

        Set-AllyFakeBehavior $server @{ toolCalls = $null; reply = $null; chunkDelayMs = 0 }
        Ask $session 'And the chair?' | Should -Match 'You said: And the chair\?'
        $last = (Get-ChatBody)[-1]
        $roles = @($last.messages | ForEach-Object { if ($_.tool_calls) { 'calls' } else { $_.role } })
        $roles | Should -Be @('user', 'calls', 'tool', 'assistant', 'user')
        $last.messages[2].content | Should -Be 'thing lamp'
        $last.messages[3].content | Should -Match '^The lamp'
        $last.messages[3].content | Should -Not -Match 'chair$'
    }

    It 'writes a failed message as the error Invoke-AllyChat writes, does not keep it, and goes on' {
        Set-AllyFakeBehavior $server @{ failNext = New-AllyFakeFailure -Status 500 -Message 'the fake model broke' }
        $script:session = Start-Chat
        Wait-Chat $session
        $failed = Ask $session 'Will this work?'
        $failed | Should -Match 'the fake model broke'
        $failed | Should -Match 'not kept in the conversation'
        Ask $session 'And now?' | Should -Match 'You said: And now\?'
        Get-Turns (Get-ChatBody)[-1] | Should -Be @('user: And now?')
        $at = Send-Line $session '/exit'
        Wait-Screen $session $PsPrompt -After $at | Out-Null
        $at = Send-Line $session '"ERR=$($Error[0].FullyQualifiedErrorId)"'
        Wait-Screen $session 'ERR=ProviderError,' -After $at | Out-Null
    }

    It '/exit, Ctrl+D and Ctrl+C at the prompt end the chat and return the conversation; a piped one goes on' {
        $script:session = Start-Chat
        Wait-Chat $session
        Ask $session 'Hi' | Out-Null
        $at = Send-Line $session '/exit'
        Wait-Screen $session $PsPrompt -After $at | Out-Null
        $at = Send-Line $session '"TYPE=$($c.GetType().FullName) TURNS=$($c.Turns) MODEL=$($c.Model) KEPT=$($AllyConversation.Turns)"'
        Wait-Screen $session 'TYPE=Ally\.Conversation TURNS=1 MODEL=llama3\.1 KEPT=1' -After $at | Out-Null

        $at = Send-Line $session '$d = $c | Enter-AllyChat'
        Wait-Screen $session "Going on with a conversation of 1 turn\.[\s\S]*$(Prompt)" -After $at | Out-Null
        Ask $session 'More' | Out-Null
        Get-Turns (Get-ChatBody)[-1] | Should -Be @('user: Hi', 'assistant: You said: Hi', 'user: More')
        $at = Send-Key $session 'C-d'
        Wait-Screen $session $PsPrompt -After $at | Out-Null

        $at = Send-Line $session '$e = Enter-AllyChat'
        Wait-Screen $session (Prompt) -After $at | Out-Null
        Ask $session 'Once' | Out-Null
        $at = Send-Key $session 'C-c'
        Wait-Screen $session $PsPrompt -After $at | Out-Null
        $at = Send-Line $session '"D=$($d.Turns) E=$($e.Turns) CTRLC=$([Console]::TreatControlCAsInput)"'
        Wait-Screen $session 'D=2 E=1 CTRLC=False' -After $at | Out-Null
    }

    It 'refuses to start without an interactive console, saying to use Invoke-AllyChat' {
        $module = $env:ALLY_TEST_MODULE
        $result = Invoke-ChildPwsh -TimeoutSec 120 -Script @"
Import-Module '$module'
try { Enter-AllyChat -ErrorAction Stop; 'STARTED' } catch { 'ID=' + `$_.FullyQualifiedErrorId; 'CATEGORY=' + `$_.CategoryInfo.Category; 'MSG=' + `$_.Exception.Message }
# A runspace of its own (as in a thread job) has no console host.
`$inner = @'
Import-Module '$module'
try { Enter-AllyChat -ErrorAction Stop; 'STARTED' } catch { 'RUNSPACE=' + `$_.FullyQualifiedErrorId + ' ' + `$_.Exception.Message }
'@
[powershell]::Create().AddScript(`$inner).Invoke()
"@
        $result.StdOut | Should -Not -Match '(?m)^STARTED'
        $result.StdOut | Should -Match 'ID=InteractiveConsoleRequired,Ally\.PowerShell\.Commands\.EnterAllyChatCommand'
        $result.StdOut | Should -Match 'CATEGORY=InvalidOperation'
        $result.StdOut | Should -Match 'MSG=Enter-AllyChat needs an interactive console, and this session has none: PowerShell was started with -NonInteractive\..*Invoke-AllyChat'
        $result.StdOut | Should -Match "RUNSPACE=InteractiveConsoleRequired,\S+ .*host 'Default Host'"
    }
}
