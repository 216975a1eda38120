#Requires -Version 7.4
# API keys from a SecretManagement vault (ALLY_SECRET_VAULT) in non-interactive sessions, against the
# stand-in SecretManagement module (tests/fixtures/SecretManagement) and the fake OpenRouter API:
# the module imported by path, each kind of secret, locked vaults.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    $script:server = Start-AllyFakeServer
    $script:baseUrl = "$($server.Url)api/v1"
    # The fake's default account key; recognisable so a leak would be found.
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'
    $script:fixtures = (Resolve-Path (Join-Path $PSScriptRoot '../fixtures/SecretManagement')).Path
    $script:manifest = Join-Path $fixtures 'Microsoft.PowerShell.SecretManagement/Microsoft.PowerShell.SecretManagement.psd1'

    # Runs $Body in a non-interactive child pwsh with the vaults in a vault file and Ally pointed at the
    # fake; the body's last output is what it reports. -ByPath imports SecretManagement by its path
    # (the child's PSModulePath does not have it); otherwise it is found on PSModulePath.
    function Invoke-VaultChild {
        param([hashtable] $Vaults, [string] $Body, [string] $Locked, [switch] $ByPath, [string] $Prelude = '')
        $vaultFile = Join-Path $TestDrive ("vault-{0}.json" -f [guid]::NewGuid().ToString('n'))
        $Vaults | ConvertTo-Json -Depth 8 | Set-Content $vaultFile
        $import = if ($ByPath) { "Import-Module '$manifest'" } else { '' }
        $script = @"
`$ErrorActionPreference = 'Stop'
$Prelude
$import
Import-Module '$env:ALLY_TEST_MODULE'
$Body
"@
        $modulePath = if ($ByPath) { $env:PSModulePath } else { "$fixtures$([IO.Path]::PathSeparator)$env:PSModulePath" }
        Invoke-ChildPwsh -TimeoutSec 120 -Script $script -Environment @{
            OPENROUTER_API_KEY = $null; ALLY_SECRET_VAULT = 'TestVault'; ALLY_TEST_VAULT_FILE = $vaultFile; ALLY_TEST_VAULT_LOCKED = $Locked
            ALLY_OPENROUTER_BASE_URL = $baseUrl; ALLY_PROVIDER = $null; ALLY_MODEL = $null; PSModulePath = $modulePath; CI = 'true'
        }
    }

    # A chat whose outcome is printed as JSON: the answer, or the error's id, message and recommended action.
    $script:chat = @'
try {
    $r = Invoke-AllyChat -Provider openrouter 'From the vault' -ErrorAction Stop
    @{ Content = $r.Content } | ConvertTo-Json -Compress
}
catch {
    @{ ErrorId = $_.FullyQualifiedErrorId; Message = $_.Exception.Message; Recommended = $_.ErrorDetails.RecommendedAction; Type = $_.Exception.GetType().FullName } | ConvertTo-Json -Compress
}
'@

    function Get-Outcome($result) {
        $line = @($result.StdOut -split "`n" | Where-Object { $_.Trim().StartsWith('{') })[-1]
        if (-not $line) { throw "No outcome. StdOut: $($result.StdOut) StdErr: $($result.StdErr)" }
        $line | ConvertFrom-Json
    }

    function Get-ChatRequest { @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/v1/chat/completions') }
}

AfterAll {
    Stop-AllyFakeServer $server
}

Describe 'SecretManagement vaults' {
    BeforeEach {
        Reset-AllyFakeServer $server
    }

    Context 'Where Get-Secret comes from' {
        It 'reads the key when SecretManagement was imported by path, not from PSModulePath' {
            $outcome = Get-Outcome (Invoke-VaultChild -ByPath -Vaults @{ TestVault = @{ OPENROUTER_API_KEY = $key } } -Body $chat)
            $outcome.ErrorId | Should -BeNullOrEmpty -Because $outcome.Message
            $outcome.Content | Should -Be 'You said: From the vault'
            (Get-ChatRequest)[0].Headers.Authorization | Should -Be "Bearer $key"
        }

        It 'says clearly that a Get-Secret defined outside any module cannot be used' {
            $prelude = 'function Get-Secret { param($Name, $Vault) "sk-or-v1-from-a-function" }'
            $outcome = Get-Outcome (Invoke-VaultChild -Prelude $prelude -Vaults @{ TestVault = @{} } -Body $chat)
            $outcome.ErrorId | Should -BeLike 'SecretVaultError,*'
            $outcome.Message | Should -BeLike '*outside any module*'
            $outcome.Recommended | Should -BeLike '*Import-Module Microsoft.PowerShell.SecretManagement*'
            Get-ChatRequest | Should -BeNullOrEmpty
        }
    }

    Context 'Kinds of secret' {
        It 'uses a <Type> secret as the key' -ForEach @(
            @{ Type = 'String' }
            @{ Type = 'SecureString' }
            @{ Type = 'PSCredential' }
        ) {
            $secret = @{ Type = $Type; Value = $key; UserName = 'openrouter' }
            $outcome = Get-Outcome (Invoke-VaultChild -Vaults @{ TestVault = @{ OPENROUTER_API_KEY = $secret } } -Body $chat)
            $outcome.ErrorId | Should -BeNullOrEmpty -Because $outcome.Message
            (Get-ChatRequest)[0].Headers.Authorization | Should -Be "Bearer $key"
        }

        It 'refuses a <Type> secret, naming its type and what to store, and sends nothing' -ForEach @(
            @{ Type = 'Hashtable'; Value = @{ key = 'sk-or-v1-in-a-table' }; Shown = 'Hashtable' }
            @{ Type = 'ByteArray'; Value = [Convert]::ToBase64String([byte[]](1, 2, 3)); Shown = 'Byte`[`]' }
        ) {
            $outcome = Get-Outcome (Invoke-VaultChild -Vaults @{ TestVault = @{ OPENROUTER_API_KEY = @{ Type = $Type; Value = $Value } } } -Body $chat)
            $outcome.ErrorId | Should -BeLike 'SecretVaultError,*'
            $outcome.Message | Should -BeLike "*'OPENROUTER_API_KEY'*'TestVault'*$Shown*"
            $outcome.Recommended | Should -BeLike '*a string, a SecureString or a PSCredential*'
            $outcome.Recommended | Should -BeLike '*Set-Secret -Name OPENROUTER_API_KEY -Vault TestVault -Secret (Read-Host -AsSecureString)*'
            $outcome.Message | Should -Not -BeLike '*sk-or-v1-in-a-table*'
            Get-ChatRequest | Should -BeNullOrEmpty
        }
    }

    Context 'Locked vaults' {
        It 'fails at once for a locked SecretStore and says to unlock it, also for CI' {
            $outcome = Get-Outcome (Invoke-VaultChild -Locked TestVault -Vaults @{ TestVault = @{ OPENROUTER_API_KEY = $key } } -Body $chat)
            $outcome.ErrorId | Should -BeLike 'SecretVaultError,*'
            $outcome.Message | Should -BeLike '*locked*A valid password is required*'
            $outcome.Recommended | Should -BeLike 'Unlock it first with ``Unlock-SecretStore`` (or ``Unlock-SecretVault -Name TestVault``)*'
            $outcome.Recommended | Should -BeLike '*-Authentication None -Interaction None*'
            Get-ChatRequest | Should -BeNullOrEmpty
        }

        It 'names Unlock-SecretVault only for a locked vault of another extension' {
            $vaults = @{ TestVault = @{ __ModuleName = 'SecretManagement.KeePass'; OPENROUTER_API_KEY = $key } }
            $outcome = Get-Outcome (Invoke-VaultChild -Locked TestVault -Vaults $vaults -Body $chat)
            $outcome.ErrorId | Should -BeLike 'SecretVaultError,*'
            $outcome.Recommended | Should -BeLike 'Unlock it first with ``Unlock-SecretVault -Name TestVault``*'
            $outcome.Recommended | Should -Not -BeLike '*SecretStore*'
        }

        It 'fails the same way from Test-AllyProvider' {
            $body = "try { Test-AllyProvider -Provider openrouter -ErrorAction Stop | Out-Null; '{}' } catch { @{ ErrorId = `$_.FullyQualifiedErrorId; Recommended = `$_.ErrorDetails.RecommendedAction } | ConvertTo-Json -Compress }"
            $outcome = Get-Outcome (Invoke-VaultChild -Locked TestVault -Vaults @{ TestVault = @{ OPENROUTER_API_KEY = $key } } -Body $body)
            $outcome.ErrorId | Should -BeLike 'SecretVaultError,*'
            $outcome.Recommended | Should -BeLike '*Unlock-SecretStore*'
        }
    }
}
