namespace Ally
{
    // Texts of the SecretManagement vault and of Test-AllyProvider's checks.
    internal static partial class Messages
    {
        // SecretManagement vaults.

        public static string VaultCommandWithoutModule(string vault, string commandType) =>
            F("ALLY_SECRET_VAULT is set to '{0}', but the Get-Secret found is a {1} outside any module, so Ally cannot load it " +
              "into the session without a user interface it reads vaults from in a non-interactive session.", vault, commandType);
        public const string VaultCommandWithoutModuleRemedy =
            "Import Microsoft.PowerShell.SecretManagement as a module (Import-Module Microsoft.PowerShell.SecretManagement, or by its path) " +
            "instead of defining Get-Secret yourself, or set the key in an environment variable.";
        public static string VaultModuleLoadFailed(string vault, string module, string reason) =>
            F("Could not load {0} (where Get-Secret comes from) to read vault '{1}': {2}", module, vault, Excerpt(reason));

        public static string VaultSecretWrongType(string vault, string name, string type) =>
            F("The secret '{0}' in vault '{1}' is a {2}, which Ally cannot use as an API key.", name, vault, type);
        public static string VaultSecretWrongTypeRemedy(string vault, string name) =>
            F("Store the key as a string, a SecureString or a PSCredential (the key as its password), e.g. " +
              "`Set-Secret -Name {0} -Vault {1} -Secret (Read-Host -AsSecureString)`.", name, vault);

        public static string VaultLocked(string vault, string name, string reason) =>
            F("Could not read secret '{0}' from vault '{1}': the vault is locked ({2})", name, vault, Excerpt(reason));
        public static string VaultLockedRemedy(string vault, bool isSecretStore, string variable) =>
            (isSecretStore
                ? F("Unlock it first with `Unlock-SecretStore` (or `Unlock-SecretVault -Name {0}`); in a CI job, unlock it at the job's start " +
                    "(`Unlock-SecretStore -Password $password`) or configure the store without a password " +
                    "(`Set-SecretStoreConfiguration -Authentication None -Interaction None`).", vault)
                : F("Unlock it first with `Unlock-SecretVault -Name {0}`; in a CI job, unlock it at the job's start " +
                    "(`Unlock-SecretVault -Name {0} -Password $password`).", vault)) +
            F(" Or set the {0} environment variable instead.", variable);

        // Test-AllyProvider.

        public static string ModelNotListedBy(string model, string server) => Cap(F("{0} does not list the model '{1}'.", server, Excerpt(model, 80)));
        public static string OpenAIKeyRemedy(string variable) =>
            F("Check the key in {0} (or -ApiKey, or your vault's secret) and verify it at https://platform.openai.com/api-keys.", variable);
        public static string CompatibleServerKeyRemedy(string variable) =>
            F("Give the key the server was started with (llama.cpp's and vLLM's --api-key, LM Studio's API token) in {0}, " +
              "with -ApiKey, or in the vault named by ALLY_SECRET_VAULT (secret {0}).", variable);
        public static string ModelLoadFailed(string model) => F("Loading the model '{0}' failed: ", Excerpt(model, 80));
        public const string LoadModelOnlyOllama = "-LoadModel applies to -Provider ollama only; the other providers load their models themselves.";
        public static string LoadingModel(string model) => F("Loading {0} to see that it fits in memory; a large model takes a while.", Excerpt(model, 80));
    }
}
