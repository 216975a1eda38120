using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Ally.Configuration;
using Ally.Conversations;
using Ally.PowerShell.Input;

namespace Ally.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Saves a conversation (what Invoke-AllyChat returned, or a Conversation) to a versioned JSON file; never an API key.</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "AllyConversation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportAllyConversationCommand : AllyCmdlet
    {
        /// <summary>The file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The conversation: a ChatResponse, a Conversation, or either after Import-Clixml or ConvertFrom-Json.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ConversationTransformation]
        public Conversation? InputObject { get; set; }

        /// <summary>Do not replace an existing file.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Return the file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private Conversation? _conversation;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (InputObject is null) return;
            if (_conversation != null)
                ThrowAllyError(new AllyException(ErrorIds.InvalidConversation, Messages.OneConversationPerFile, Messages.OneConversationPerFileRemedy), InputObject);
            _conversation = InputObject;
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (_conversation is null) return;
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (NoClobber) StopIfExists(path, "ConversationFileExists");
            if (!ShouldProcess(path, Messages.ShouldProcessExportConversation(_conversation.Messages.Count))) return;
            WriteFileOrStop(path, SavedConversation.NotWritten, SavedConversation.Writer(_conversation));
            if (PassThru) WriteObject(new FileInfo(path));
        }
    }

    /// <summary>
    /// <para type="synopsis">Loads a conversation saved by Export-AllyConversation, to continue it with Invoke-AllyChat (on the same provider or another).</para>
    /// </summary>
    [Cmdlet(VerbsData.Import, "AllyConversation")]
    [OutputType(typeof(Conversation))]
    public sealed class ImportAllyConversationCommand : AllyCmdlet
    {
        /// <summary>The file (wildcards allowed), or files piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (string given in Path)
            {
                IEnumerable<string> paths;
                try
                {
                    paths = WildcardPattern.ContainsWildcardCharacters(given)
                        ? GetResolvedProviderPathFromPSPath(given, out _)
                        : new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(given) };
                }
                catch (ItemNotFoundException ex)
                {
                    WriteError(new ErrorRecord(ex, "ConversationFileNotFound", ErrorCategory.ObjectNotFound, given));
                    continue;
                }
                foreach (string path in paths) Load(path);
            }
        }

        private void Load(string path)
        {
            (Conversation? conversation, ErrorRecord? failure) = SavedConversation.Read(path);
            if (failure != null) WriteError(failure);
            else WriteObject(conversation);
        }
    }

    /// <summary>A conversation file as the cmdlets read it (Import-AllyConversation, Enter-AllyChat's /load).</summary>
    internal static class SavedConversation
    {
        /// <summary>The conversation saved at <paramref name="path"/>, or the error to write: not found, not readable, not a conversation.</summary>
        public static (Conversation?, ErrorRecord?) Read(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return (null, new ErrorRecord(ex, ex is FileNotFoundException ? "ConversationFileNotFound" : "ConversationFileNotRead",
                    ex is FileNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError, path));
            }
            try
            {
                return (ConversationFile.FromJson(text, path), null);
            }
            catch (AllyException ex)
            {
                return (null, AllyCmdlet.ToErrorRecord(ex, path));
            }
        }

        /// <summary>The error id of a conversation file that could not be written.</summary>
        public const string NotWritten = "ConversationFileNotWritten";

        /// <summary>What writes <paramref name="conversation"/> to a file (<see cref="AtomicFile.Write"/>).</summary>
        public static Action<Stream> Writer(Conversation conversation) => AtomicFile.Utf8(ConversationFile.ToJson(conversation));
    }
}
