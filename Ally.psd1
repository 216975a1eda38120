@{
    RootModule             = 'Ally.PowerShell.dll'
    # Stamped by build.ps1 from Directory.Build.props (the one version source).
    ModuleVersion          = '0.0.0'
    CompatiblePSEditions   = @('Core', 'Desktop')
    GUID                   = '5f0c3a0e-8a52-4c5e-9d0b-6f1f7c2a9e41'
    Author                 = 'Ally contributors'
    CompanyName            = 'Ally contributors'
    Copyright              = '(c) Ally contributors. MIT licence.'
    Description            = 'LLMs in PowerShell: chat with local Ollama models (and hosted ones) from the console, scripts, pipelines and CI jobs.'
    PowerShellVersion      = '5.1'
    # The public types (ChatResponse, AllyException, …): loaded first, in the default context, so scripts can name them.
    RequiredAssemblies     = @('Ally.Types.dll')
    FormatsToProcess       = @('Ally.Format.ps1xml')
    TypesToProcess         = @('Ally.Types.ps1xml')
    CmdletsToExport        = @('Invoke-AllyChat', 'Get-AllyModel', 'Install-AllyModel', 'Remove-AllyModel', 'Test-AllyProvider', 'New-AllyEmbedding', 'Search-AllyEmbedding', 'Export-AllyEmbedding', 'Import-AllyEmbedding', 'Get-AllyConfiguration', 'Set-AllyConfiguration', 'Test-AllyConfiguration', 'Export-AllyConversation', 'Import-AllyConversation', 'Enter-AllyChat')
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('AI', 'LLM', 'Ollama', 'OpenRouter', 'Chat', 'GenAI', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://github.com/ally-pwsh/Ally/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/ally-pwsh/Ally'
            ReleaseNotes = 'See https://github.com/ally-pwsh/Ally/releases'
        }
    }
}
