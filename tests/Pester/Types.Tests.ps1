#Requires -Version 7.4
# Ally's public types live in Ally.Types.dll, in PowerShell's default load context: scripts can name
# them. Ally.Core and third-party assemblies stay in Ally's own context.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    $script:server = Start-AllyFakeServer
}

AfterAll { Stop-AllyFakeServer $server }

Describe 'Public types' {
    It 'can be named in a script: type literals, -is, catch by type, Should -BeOfType' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:ALLY_TEST_MODULE'
`$r = Invoke-AllyChat 'Hello types'
'IS=' + (`$r -is [Ally.ChatResponse])
'MESSAGE=' + (`$r.Messages[0] -is [Ally.ChatMessage])
try { Invoke-AllyChat 'x' -Model nope }
catch [Ally.AllyException] { 'CAUGHT=' + `$_.Exception.ErrorId + ':' + `$_.Exception.Category + ':' + (`$_.Exception.Id -eq [Ally.ErrorIds]::ModelNotFound) }
'ENUM=' + [Ally.ModelUseCase]::Code + ',' + [Ally.AllyErrorCategory]::ConnectionError
'IDS=' + ([Ally.ErrorIds]::All.Count -gt 30)
'CONTEXT=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([Ally.ChatResponse].Assembly).Name
`$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Ally.Core' }
'CORE=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$core).GetType().Name
"@
        $result = Invoke-ChildPwsh -Script $script -Environment @{ OLLAMA_HOST = $server.Url; ALLY_MODEL = $null; ALLY_PROVIDER = $null }
        $result.StdErr | Should -BeNullOrEmpty
        $result.StdOut | Should -Match 'IS=True'
        $result.StdOut | Should -Match 'MESSAGE=True'
        $result.StdOut | Should -Match 'CAUGHT=ModelNotFound:ObjectNotFound:True'
        $result.StdOut | Should -Match 'ENUM=Code,ConnectionError'
        $result.StdOut | Should -Match 'IDS=True'
        $result.StdOut | Should -Match 'CONTEXT=Default'
        # Ally.Core is in Ally's own context, not the default one.
        $result.StdOut | Should -Match 'CORE=DependencyLoadContext'
    }

    It 'works with Should -BeOfType in this session' {
        Import-Module $env:ALLY_TEST_MODULE -Force
        $env:OLLAMA_HOST = $server.Url
        Invoke-AllyChat 'Hello' | Should -BeOfType ([Ally.ChatResponse])
        Get-AllyModel -Recommended | Select-Object -First 1 | Should -BeOfType ([Ally.RecommendedModel])
    }

    It 'takes the enum for -UseCase, and rejects a value that is not one' {
        Import-Module $env:ALLY_TEST_MODULE -Force
        $env:OLLAMA_HOST = $server.Url
        (Get-Command Get-AllyModel).Parameters['UseCase'].ParameterType | Should -Be ([Nullable[Ally.ModelUseCase]])
        (Get-AllyModel -Recommended -UseCase ([Ally.ModelUseCase]::Privacy)).UseCase | Select-Object -Unique | Should -Be 'Privacy'
        (Get-AllyModel -Recommended -UseCase code).UseCase | Select-Object -Unique | Should -Be ([Ally.ModelUseCase]::Code)
        { Get-AllyModel -Recommended -UseCase Gaming } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,Ally.PowerShell.Commands.GetAllyModelCommand'
    }

    It 'declares no parameter or output type that lives in the private context (it could not load at import)' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:ALLY_TEST_MODULE'
function Expand([type] `$t) {
    if (`$null -eq `$t) { return }
    `$t
    if (`$t.HasElementType) { Expand `$t.GetElementType() }
    if (`$t.IsGenericType) { foreach (`$a in `$t.GetGenericArguments()) { Expand `$a } }
}
foreach (`$command in Get-Command -Module Ally) {
    foreach (`$parameter in `$command.Parameters.Values) {
        foreach (`$t in Expand `$parameter.ParameterType) {
            `$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$t.Assembly)
            if (`$context -ne [System.Runtime.Loader.AssemblyLoadContext]::Default) { "PRIVATE `$(`$command.Name) -`$(`$parameter.Name) `$(`$t.FullName)" }
        }
    }
    foreach (`$output in `$command.OutputType) {
        if (`$null -eq `$output.Type) { "UNRESOLVED `$(`$command.Name) `$(`$output.Name)" }
        elseif ([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$output.Type.Assembly) -ne [System.Runtime.Loader.AssemblyLoadContext]::Default) {
            "PRIVATE `$(`$command.Name) output `$(`$output.Name)"
        }
    }
}
'CHECKED=' + (Get-Command -Module Ally).Count
"@
        $result = Invoke-ChildPwsh -Script $script -Environment @{ OLLAMA_HOST = $server.Url }
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.StdOut | Should -Match "CHECKED=$((Import-PowerShellDataFile $env:ALLY_TEST_MODULE).CmdletsToExport.Count)"
        $result.StdOut | Should -Not -Match 'PRIVATE|UNRESOLVED'
    }

    It 'formats tables with the public helpers: the forwarding shim is gone' {
        Import-Module $env:ALLY_TEST_MODULE -Force
        'Ally.PowerShell.Formatting.AllyFormat' -as [type] | Should -BeNullOrEmpty
        [Ally.ModelFormat]::Bytes(4920733696) | Should -Be '4.9 GB'
        $format = Get-Content -Raw (Join-Path (Split-Path $env:ALLY_TEST_MODULE) 'Ally.Format.ps1xml')
        $format | Should -Not -Match 'Ally\.PowerShell\.'
        $env:OLLAMA_HOST = $server.Url
        (Get-AllyModel | Out-String) | Should -Match '4\.9 GB'
    }
}
