#Requires -Version 7.0
<#
.SYNOPSIS
Compiles PlatyPS-style markdown help (schema 2.0.0) into MAML and about_*.help.txt files.

.DESCRIPTION
A dependency-free stand-in for PlatyPS's New-ExternalHelp. Every *.md file in -SourcePath is read:

  * Cmdlet pages (YAML front matter with "schema: 2.0.0", then "# Verb-Noun", "## SYNOPSIS",
    "## SYNTAX", "## DESCRIPTION", "## EXAMPLES", "## PARAMETERS", "## INPUTS", "## OUTPUTS",
    "## NOTES", "## RELATED LINKS") are compiled together into one MAML file,
    <OutputPath>/<HelpFileName>, laid out the way New-ExternalHelp lays it out.
  * about_*.md pages become <OutputPath>/about_<Name>.help.txt plain-text topics.

A malformed page stops the build with "<file>:<line>: <problem>" (all bad files are reported at
once). Nothing is written unless every page compiles. Output files are UTF-8 without BOM with LF
line endings. The written files are returned as FileInfo objects.

.PARAMETER SourcePath
Folder holding the markdown pages (not recursive), e.g. docs/en-US.

.PARAMETER OutputPath
Folder to write into, normally the module's <culture> folder (created if missing).

.PARAMETER HelpFileName
Name of the MAML file. PowerShell looks for "<assembly file name>-Help.xml" for compiled cmdlets,
or for the name given in a function's ".ExternalHelp" comment.

.EXAMPLE
./tools/ConvertTo-AllyMaml.ps1 -SourcePath docs/en-US -OutputPath out/Ally/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$SourcePath,
    [Parameter(Mandatory)][string]$OutputPath,
    [ValidateNotNullOrEmpty()][string]$HelpFileName = 'Ally.PowerShell.dll-Help.xml'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

class HelpSourceException : System.Exception {
    HelpSourceException([string]$message) : base($message) {}
}

function Stop-HelpSource([string]$File, [int]$Line, [string]$Message) {
    throw [HelpSourceException]::new("${File}:${Line}: $Message")
}

# ---------------------------------------------------------------------------------------------
# Markdown reading: front matter + a flat list of blocks (heading, code, paragraph)
# ---------------------------------------------------------------------------------------------

function Read-MarkdownFile([string]$Path) {
    $raw = [System.IO.File]::ReadAllText($Path, [System.Text.UTF8Encoding]::new($false))
    if ($raw.Length -gt 0 -and $raw[0] -eq [char]0xFEFF) { $raw = $raw.Substring(1) }
    $lines = $raw.Replace("`r`n", "`n").Replace("`r", "`n").Split("`n")

    $doc = [pscustomobject]@{
        Path             = $Path
        Name             = $Path   # used in messages: full path, so editors and CI logs can jump to it
        FrontMatter      = [ordered]@{}
        FrontMatterLines = @{}
        HasFrontMatter   = $false
        Blocks           = [System.Collections.Generic.List[object]]::new()
    }

    $i = 0
    if ($lines.Count -gt 0 -and $lines[0].TrimEnd() -eq '---') {
        $doc.HasFrontMatter = $true
        $i = 1
        $closed = $false
        while ($i -lt $lines.Count) {
            $l = $lines[$i]
            if ($l.TrimEnd() -eq '---') { $closed = $true; $i++; break }
            if ($l -match '^\s*([^:#][^:]*?)\s*:\s*(.*?)\s*$') {
                $key = $Matches[1].ToLowerInvariant()
                $value = $Matches[2]
                if ($value -match '^([''"])(.*)\1$') { $value = $Matches[2] }
                $doc.FrontMatter[$key] = $value
                $doc.FrontMatterLines[$key] = $i + 1
            }
            $i++
        }
        if (-not $closed) { Stop-HelpSource $doc.Name 1 'YAML front matter opened with "---" is never closed.' }
    }

    $para = [System.Collections.Generic.List[string]]::new()
    $paraLine = 0
    $flush = {
        if ($para.Count -gt 0) {
            $doc.Blocks.Add([pscustomobject]@{ Kind = 'Para'; Lines = $para.ToArray(); Line = $paraLine })
            $para.Clear()
        }
    }

    while ($i -lt $lines.Count) {
        $line = $lines[$i]
        $lineNo = $i + 1

        if ($line.Trim().Length -eq 0) { . $flush; $i++; continue }

        # HTML comment (skipped, may span lines)
        if ($line -match '^\s{0,3}<!--') {
            . $flush
            while ($i -lt $lines.Count -and $lines[$i] -notmatch '-->') { $i++ }
            if ($i -ge $lines.Count) { Stop-HelpSource $doc.Name $lineNo 'HTML comment "<!--" is never closed.' }
            $i++
            continue
        }

        # Fenced code block
        if ($line -match '^(?<indent>\s{0,3})(?<fence>`{3,}|~{3,})\s*(?<info>[^`]*)$') {
            . $flush
            $fence = $Matches.fence
            $indent = $Matches.indent.Length
            $info = $Matches.info.Trim()
            $lang = if ($info) { ($info -split '\s+')[0].ToLowerInvariant() } else { '' }
            $body = [System.Collections.Generic.List[string]]::new()
            $i++
            $closed = $false
            $closeRx = '^\s{0,3}' + [regex]::Escape($fence.Substring(0, 1)) + '{' + $fence.Length + ',}\s*$'
            while ($i -lt $lines.Count) {
                if ($lines[$i] -match $closeRx) { $closed = $true; $i++; break }
                $content = $lines[$i]
                $strip = 0
                while ($strip -lt $indent -and $strip -lt $content.Length -and $content[$strip] -eq ' ') { $strip++ }
                $body.Add($content.Substring($strip))
                $i++
            }
            if (-not $closed) { Stop-HelpSource $doc.Name $lineNo "Code fence $fence is never closed." }
            $doc.Blocks.Add([pscustomobject]@{ Kind = 'Code'; Lang = $lang; Text = ($body -join "`n"); Line = $lineNo })
            continue
        }

        # ATX heading
        if ($line -match '^\s{0,3}(?<hashes>#{1,6})(?:\s+(?<text>.*?))?(?:\s+#+)?\s*$') {
            . $flush
            $text = if ($Matches.ContainsKey('text')) { $Matches.text.Trim() } else { '' }
            $doc.Blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches.hashes.Length; Text = $text; Line = $lineNo })
            $i++
            continue
        }

        # Indented code block (only where a paragraph could start)
        if ($para.Count -eq 0 -and $line -match '^( {4}|\t)') {
            $body = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $lines.Count -and ($lines[$i] -match '^( {4}|\t)' -or $lines[$i].Trim().Length -eq 0)) {
                $body.Add(($lines[$i] -replace '^( {4}|\t)', ''))
                $i++
            }
            while ($body.Count -gt 0 -and $body[$body.Count - 1].Trim().Length -eq 0) { $body.RemoveAt($body.Count - 1) }
            $doc.Blocks.Add([pscustomobject]@{ Kind = 'Code'; Lang = ''; Text = ($body -join "`n"); Line = $lineNo })
            continue
        }

        if ($para.Count -eq 0) { $paraLine = $lineNo }
        $para.Add($line)
        $i++
    }
    . $flush
    return $doc
}

# ---------------------------------------------------------------------------------------------
# Inline markdown -> plain text
# ---------------------------------------------------------------------------------------------

$script:EscapableChars = '\`*_{}[]()#+-.!<>|~"'''
$script:InlineRx = [regex]::new(
    '(?<code>(?<tick>`+)(?<ct>.+?)(?<!`)\k<tick>(?!`))' +
    '|(?<img>!\[(?<it>[^\]]*)\]\((?<iu>[^)\s]*)(?:\s+"[^"]*")?\))' +
    '|(?<link>\[(?<lt>(?:[^\[\]]|\[[^\]]*\])*)\]\((?<lu>[^)\s]*)(?:\s+"[^"]*")?\))' +
    '|(?<auto><(?<au>(?:https?|mailto|ftp):[^>\s]+)>)')

function ConvertTo-Masked([string]$Text) {
    # Replace backslash escapes by private-use characters so they survive the inline parsing.
    [regex]::Replace($Text, '\\([\\`*_{}\[\]()#+\-.!<>|~"''])', {
            param($m) [string][char](0xE000 + $script:EscapableChars.IndexOf($m.Groups[1].Value)) })
}

function ConvertFrom-Masked([string]$Text, [bool]$KeepBackslash) {
    [regex]::Replace($Text, '[\uE000-\uE014]', {
            param($m)
            $c = [string]$script:EscapableChars[[int][char]$m.Value - 0xE000]
            if ($KeepBackslash) { '\' + $c } else { $c }
        })
}

function ConvertFrom-Emphasis([string]$Text) {
    $t = $Text
    $t = [regex]::Replace($t, '\*\*(?=\S)(.+?)(?<=\S)\*\*', '$1')
    $t = [regex]::Replace($t, '(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)', '$1')
    $t = [regex]::Replace($t, '(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\w*])', '$1')
    $t = [regex]::Replace($t, '(?<!\w)_(?=[^\s_])([^_]+?)(?<=[^\s_])_(?!\w)', '$1')
    return $t
}

function Test-AbsoluteUri([string]$Uri) {
    return $Uri -match '^[A-Za-z][A-Za-z0-9+.\-]*:' -and [System.Uri]::IsWellFormedUriString($Uri, [System.UriKind]::Absolute)
}

function ConvertFrom-MarkdownInline([string]$Text) {
    # Code spans are kept verbatim (with their backticks, as PowerShell's own help does);
    # links become "text (url)" (or just "text" when the target is a relative page link);
    # emphasis markers and backslash escapes are removed.
    $masked = ConvertTo-Masked $Text
    $sb = [System.Text.StringBuilder]::new()
    $pos = 0
    foreach ($m in $script:InlineRx.Matches($masked)) {
        $plain = $masked.Substring($pos, $m.Index - $pos)
        [void]$sb.Append((ConvertFrom-Masked (ConvertFrom-Emphasis $plain) $false))
        if ($m.Groups['code'].Success) {
            [void]$sb.Append((ConvertFrom-Masked $m.Value $true))
        }
        elseif ($m.Groups['img'].Success) {
            [void]$sb.Append((ConvertFrom-Masked $m.Groups['it'].Value $false))
        }
        elseif ($m.Groups['link'].Success) {
            $linkText = ConvertFrom-MarkdownInline (ConvertFrom-Masked $m.Groups['lt'].Value $true)
            $uri = ConvertFrom-Masked $m.Groups['lu'].Value $false
            if (-not $linkText) { $linkText = $uri }
            if ((Test-AbsoluteUri $uri) -and $uri -ne $linkText) { [void]$sb.Append("$linkText ($uri)") }
            else { [void]$sb.Append($linkText) }
        }
        else {
            [void]$sb.Append((ConvertFrom-Masked $m.Groups['au'].Value $false))
        }
        $pos = $m.Index + $m.Length
    }
    [void]$sb.Append((ConvertFrom-Masked (ConvertFrom-Emphasis $masked.Substring($pos)) $false))
    return $sb.ToString()
}

# ---------------------------------------------------------------------------------------------
# Blocks -> MAML paragraphs
# ---------------------------------------------------------------------------------------------

$script:ListItemRx = '^\s*(?:[-*+]|\d{1,9}[.)])\s+'
$script:TableRowRx = '^\s*\|'

function ConvertTo-ParagraphText([string[]]$Lines) {
    # One markdown paragraph block -> one or more help paragraphs.
    # Soft line breaks join with a space and hard breaks start a new paragraph. A run of list items
    # (or of table rows) becomes one paragraph with one line per item, so it renders as a tight
    # list instead of items separated by blank lines.
    $out = [System.Collections.Generic.List[string]]::new()
    $items = [System.Collections.Generic.List[string]]::new()   # lines of the current list/table
    $current = $null
    $hardBreak = $false
    $flushItems = {
        if ($null -ne $current) { $items.Add($current) }
        if ($items.Count -gt 0) { $out.Add(($items | ForEach-Object { ConvertFrom-MarkdownInline $_ }) -join "`n"); $items.Clear() }
    }
    $flushText = {
        if ($null -ne $current) { $out.Add((ConvertFrom-MarkdownInline $current)) }
    }
    $inList = $false
    foreach ($rawLine in $Lines) {
        $line = $rawLine -replace '^\s{0,3}>\s?', ''
        if ($line -match '^\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$') {
            if ($inList) { . $flushItems } else { . $flushText }
            $inList = $false
            $current = $Matches[1].ToUpperInvariant() + ':'
            $hardBreak = $false
            continue
        }
        $isItem = $line -match $script:ListItemRx
        $isRow = $line -match $script:TableRowRx
        $endsHard = $line -match '(\s{2,}|\\)$'
        $content = $line.Trim()
        if ($endsHard) { $content = ($content -replace '\\$', '').TrimEnd() }
        if ($isItem -or $isRow) {
            if (-not $inList) { . $flushText; $inList = $true }
            elseif ($null -ne $current) { $items.Add($current) }
            # keep the nesting of sub-items
            $current = ($line -replace '^(\s*).*$', '$1') + $content
            if ($isRow) { $items.Add($current); $current = $null }
        }
        elseif ($inList -and $null -ne $current -and -not $hardBreak) {
            $current = "$current $content"     # continuation of a list item
        }
        elseif ($inList) {
            . $flushItems
            $inList = $false
            $current = $content
        }
        elseif ($hardBreak -or $null -eq $current) {
            . $flushText
            $current = $content
        }
        else {
            $current = "$current $content"
        }
        $hardBreak = $endsHard
    }
    if ($inList) { . $flushItems } else { . $flushText }
    return , $out
}

function ConvertTo-Paragraphs($Blocks) {
    # A list of Para/Code blocks -> list of paragraph strings. A code block is kept verbatim as one
    # paragraph.
    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($b in $Blocks) {
        if ($b.Kind -eq 'Para') {
            $out.AddRange((ConvertTo-ParagraphText $b.Lines))
        }
        elseif ($b.Kind -eq 'Code') {
            # Get-Help trims a paragraph's leading white space, so the block keeps only its own
            # relative indentation.
            $out.Add($b.Text)
        }
    }
    return , $out
}

# ---------------------------------------------------------------------------------------------
# Cmdlet page -> command model
# ---------------------------------------------------------------------------------------------

$script:KnownYamlKeys = @(
    'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value',
    'Accept pipeline input', 'Accept wildcard characters', 'Applicable')
$script:AllSets = '(All)'

function Split-Sections($Doc, $Blocks, [int]$Level, [string]$Context) {
    # Groups blocks under headings of $Level. Content before the first such heading is returned
    # with Heading = $null. Deeper headings stay inside the group.
    $groups = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Heading = $null; Blocks = [System.Collections.Generic.List[object]]::new() }
    foreach ($b in $Blocks) {
        if ($b.Kind -eq 'Heading' -and $b.Level -lt $Level) {
            Stop-HelpSource $Doc.Name $b.Line "Unexpected level-$($b.Level) heading '$($b.Text)' inside $Context."
        }
        if ($b.Kind -eq 'Heading' -and $b.Level -eq $Level) {
            if ($null -ne $current.Heading -or $current.Blocks.Count -gt 0) { $groups.Add($current) }
            $current = [pscustomobject]@{ Heading = $b; Blocks = [System.Collections.Generic.List[object]]::new() }
        }
        else {
            $current.Blocks.Add($b)
        }
    }
    if ($null -ne $current.Heading -or $current.Blocks.Count -gt 0) { $groups.Add($current) }
    return , $groups
}

function Assert-NoStrayContent($Doc, $Group, [string]$Context) {
    if ($null -eq $Group.Heading -and $Group.Blocks.Count -gt 0) {
        Stop-HelpSource $Doc.Name $Group.Blocks[0].Line "Unexpected content in $Context before the first '###' heading."
    }
}

function Assert-NoSubheading($Doc, $Blocks, [string]$Context) {
    foreach ($b in $Blocks) {
        if ($b.Kind -eq 'Heading') { Stop-HelpSource $Doc.Name $b.Line "Unexpected heading '$($b.Text)' in $Context." }
    }
}

function Split-SetQualifiedValue([string]$Value) {
    # "True (SetA), False (SetB, SetC)" -> @( @{ Value='True'; Sets=@('SetA') }, ... ) or $null
    # when the value isn't in that form. Commas inside parentheses don't split.
    $segments = [System.Collections.Generic.List[string]]::new()
    $depth = 0; $start = 0
    for ($k = 0; $k -lt $Value.Length; $k++) {
        switch ($Value[$k]) {
            '(' { $depth++ }
            ')' { $depth-- }
            ',' { if ($depth -eq 0) { $segments.Add($Value.Substring($start, $k - $start)); $start = $k + 1 } }
        }
    }
    $segments.Add($Value.Substring($start))
    $result = [System.Collections.Generic.List[object]]::new()
    foreach ($s in $segments) {
        if ($s.Trim() -notmatch '^(?<v>.*?)\s*\((?<sets>[^()]*)\)$' -or -not $Matches.v) { return $null }
        $sets = @($Matches.sets -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
        $result.Add([pscustomobject]@{ Value = $Matches.v.Trim(); Sets = $sets })
    }
    return , $result
}

function Read-ParameterYaml($Doc, $Code) {
    $pairs = [ordered]@{}
    $keyLines = @{}
    $n = 0
    foreach ($l in ($Code.Text -split "`n")) {
        $n++
        if ($l.Trim().Length -eq 0 -or $l.TrimStart().StartsWith('#')) { continue }
        if ($l -notmatch '^\s*(?<k>[^:]+?)\s*:\s*(?<v>.*?)\s*$') {
            Stop-HelpSource $Doc.Name ($Code.Line + $n) "Invalid yaml in parameter block: expected 'Key: Value', got '$l'."
        }
        $key = $script:KnownYamlKeys | Where-Object { $_ -eq $Matches.k } | Select-Object -First 1
        if (-not $key) {
            Stop-HelpSource $Doc.Name ($Code.Line + $n) "Unknown key '$($Matches.k)' in parameter yaml (expected one of: $($script:KnownYamlKeys -join ', '))."
        }
        $pairs[$key] = $Matches.v
        $keyLines[$key] = $Code.Line + $n
    }
    return [pscustomobject]@{ Pairs = $pairs; KeyLines = $keyLines; Line = $Code.Line }
}

function ConvertTo-CommandModel($Doc) {
    $fm = $Doc.FrontMatter
    if (-not $Doc.HasFrontMatter) {
        Stop-HelpSource $Doc.Name 1 "Missing YAML front matter ('---' ... 'schema: 2.0.0' ... '---')."
    }
    if (-not $fm.Contains('schema')) {
        Stop-HelpSource $Doc.Name 1 "Front matter has no 'schema:' key (expected 'schema: 2.0.0')."
    }
    if ($fm['schema'] -ne '2.0.0') {
        Stop-HelpSource $Doc.Name $Doc.FrontMatterLines['schema'] "Unsupported schema '$($fm['schema'])' (only 2.0.0 is supported)."
    }
    if ($fm.Contains('external help file') -and $fm['external help file'] -and $fm['external help file'] -ne $HelpFileName) {
        Write-Warning "$($Doc.Name): 'external help file: $($fm['external help file'])' differs from -HelpFileName '$HelpFileName'; compiling into '$HelpFileName' anyway."
    }

    $blocks = $Doc.Blocks
    if ($blocks.Count -eq 0 -or $blocks[0].Kind -ne 'Heading' -or $blocks[0].Level -ne 1) {
        $line = if ($blocks.Count -gt 0) { $blocks[0].Line } else { 1 }
        Stop-HelpSource $Doc.Name $line "Expected '# <Command-Name>' as the first heading."
    }
    $title = $blocks[0]
    $name = $title.Text
    if ($name -notmatch '^[\w.]+-[\w.]+$') { Stop-HelpSource $Doc.Name $title.Line "'$name' is not a Verb-Noun command name." }

    $rest = [System.Collections.Generic.List[object]]::new()
    for ($k = 1; $k -lt $blocks.Count; $k++) { $rest.Add($blocks[$k]) }
    $sections = Split-Sections $Doc $rest 2 "the page for $name"

    $cmd = [pscustomobject]@{
        Name        = $name
        Verb        = $name.Substring(0, $name.IndexOf('-'))
        Noun        = $name.Substring($name.IndexOf('-') + 1)
        Synopsis    = $null
        Description = [System.Collections.Generic.List[string]]::new()
        SyntaxSets  = [System.Collections.Generic.List[object]]::new()   # Name, IsDefault, Text, Line
        Parameters  = [System.Collections.Generic.List[object]]::new()
        Common      = $false
        Inputs      = [System.Collections.Generic.List[object]]::new()
        Outputs     = [System.Collections.Generic.List[object]]::new()
        Notes       = [System.Collections.Generic.List[string]]::new()
        Examples    = [System.Collections.Generic.List[object]]::new()
        Links       = [System.Collections.Generic.List[object]]::new()
        Doc         = $Doc
        Line        = $title.Line
    }

    foreach ($b in $blocks) {
        $text = if ($b.Kind -eq 'Para') { $b.Lines -join "`n" } elseif ($b.Kind -eq 'Heading') { $b.Text } else { '' }
        if ($text -match '\{\{\s*(Fill|Add|Accept|Required|Position|Default|Type).*?\}\}') {
            Write-Warning "$($Doc.Name):$($b.Line): unfinished PlatyPS placeholder '$($Matches[0])'."
        }
    }

    $seen = @{}
    foreach ($sec in $sections) {
        if ($null -eq $sec.Heading) {
            Stop-HelpSource $Doc.Name $sec.Blocks[0].Line "Unexpected content before the first '##' section."
        }
        $h = $sec.Heading
        $key = $h.Text.ToUpperInvariant()
        if ($seen.ContainsKey($key)) { Stop-HelpSource $Doc.Name $h.Line "Section '## $($h.Text)' appears twice." }
        $seen[$key] = $true
        switch ($key) {
            'SYNOPSIS' {
                Assert-NoSubheading $Doc $sec.Blocks 'SYNOPSIS'
                $paras = ConvertTo-Paragraphs $sec.Blocks
                $text = ($paras -join ' ').Trim()
                if (-not $text) { Stop-HelpSource $Doc.Name $h.Line 'SYNOPSIS is empty.' }
                $cmd.Synopsis = $text
            }
            'DESCRIPTION' {
                Assert-NoSubheading $Doc $sec.Blocks 'DESCRIPTION'
                $cmd.Description.AddRange((ConvertTo-Paragraphs $sec.Blocks))
            }
            'NOTES' {
                Assert-NoSubheading $Doc $sec.Blocks 'NOTES'
                $cmd.Notes.AddRange((ConvertTo-Paragraphs $sec.Blocks))
            }
            'SYNTAX' {
                foreach ($g in (Split-Sections $Doc $sec.Blocks 3 'SYNTAX')) {
                    Assert-NoSubheading $Doc $g.Blocks 'a SYNTAX entry'
                    $codes = @($g.Blocks | Where-Object Kind -EQ 'Code')
                    $texts = @($g.Blocks | Where-Object Kind -EQ 'Para')
                    $line = if ($g.Heading) { $g.Heading.Line } else { $g.Blocks[0].Line }
                    if ($texts.Count -gt 0) { Stop-HelpSource $Doc.Name $texts[0].Line 'SYNTAX entries hold only a code block, not text.' }
                    if ($codes.Count -ne 1) { Stop-HelpSource $Doc.Name $line "A SYNTAX entry needs exactly one code block (found $($codes.Count))." }
                    $setName = $script:AllSets; $isDefault = $true
                    if ($g.Heading) {
                        $setName = $g.Heading.Text
                        $isDefault = $false
                        if ($setName -match '^(.*?)\s*\(Default\)$') { $setName = $Matches[1]; $isDefault = $true }
                        if ($setName -eq '__AllParameterSets') { $setName = $script:AllSets }
                    }
                    $cmd.SyntaxSets.Add([pscustomobject]@{ Name = $setName; IsDefault = $isDefault; Text = $codes[0].Text; Line = $line })
                }
            }
            'EXAMPLES' {
                foreach ($g in (Split-Sections $Doc $sec.Blocks 3 'EXAMPLES')) {
                    Assert-NoStrayContent $Doc $g 'EXAMPLES'
                    Assert-NoSubheading $Doc $g.Blocks "example '$($g.Heading.Text)'"
                    $codes = @($g.Blocks | Where-Object Kind -EQ 'Code')
                    if ($codes.Count -eq 0) { Stop-HelpSource $Doc.Name $g.Heading.Line "Example '$($g.Heading.Text)' has no code block." }
                    $remarks = ConvertTo-Paragraphs @($g.Blocks | Where-Object Kind -EQ 'Para')
                    $cmd.Examples.Add([pscustomobject]@{
                            Title   = (ConvertFrom-MarkdownInline $g.Heading.Text)
                            Code    = (@($codes | ForEach-Object Text) -join "`n`n")
                            Remarks = $remarks
                        })
                }
            }
            'PARAMETERS' {
                foreach ($g in (Split-Sections $Doc $sec.Blocks 3 'PARAMETERS')) {
                    Assert-NoStrayContent $Doc $g 'PARAMETERS'
                    Assert-NoSubheading $Doc $g.Blocks "parameter '$($g.Heading.Text)'"
                    $pname = $g.Heading.Text -replace '^-', ''
                    if ($pname -in 'CommonParameters', 'WorkflowParameters') { $cmd.Common = $true; continue }
                    if ($pname -notmatch '^\w+$') { Stop-HelpSource $Doc.Name $g.Heading.Line "'$($g.Heading.Text)' is not a parameter name (expected '### -Name')." }
                    if ($cmd.Parameters | Where-Object Name -EQ $pname) { Stop-HelpSource $Doc.Name $g.Heading.Line "Parameter -$pname is documented twice." }
                    $yamls = @($g.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Lang -in 'yaml', 'yml' })
                    if ($yamls.Count -eq 0) { Stop-HelpSource $Doc.Name $g.Heading.Line "Parameter -$pname has no yaml metadata block (a fenced code block marked yaml, with Type, Parameter Sets, Required, ...)." }
                    $descBlocks = @($g.Blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Lang -in 'yaml', 'yml') })
                    $entries = @(foreach ($y in $yamls) { Read-ParameterYaml $Doc $y })
                    $first = $entries[0].Pairs
                    if (-not $first['Type']) { Stop-HelpSource $Doc.Name $entries[0].Line "Parameter -$pname has no 'Type:'." }
                    $cmd.Parameters.Add([pscustomobject]@{
                            Name        = $pname
                            Line        = $g.Heading.Line
                            Description = (ConvertTo-Paragraphs $descBlocks)
                            Entries     = @($entries)
                            Type        = $first['Type']
                            Aliases     = $first['Aliases']
                            Accepted    = $first['Accepted values']
                            Default     = $first['Default value']
                            Globbing    = $first['Accept wildcard characters']
                            SetInfo     = $null   # filled by Resolve-ParameterSets
                        })
                }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $target = $cmd.Inputs
                if ($key -eq 'OUTPUTS') { $target = $cmd.Outputs }
                foreach ($g in (Split-Sections $Doc $sec.Blocks 3 $key)) {
                    Assert-NoStrayContent $Doc $g $key
                    Assert-NoSubheading $Doc $g.Blocks "$key entry '$($g.Heading.Text)'"
                    $target.Add([pscustomobject]@{
                            TypeName    = (ConvertFrom-MarkdownInline $g.Heading.Text)
                            Description = (ConvertTo-Paragraphs $g.Blocks)
                        })
                }
            }
            'RELATED LINKS' {
                Assert-NoSubheading $Doc $sec.Blocks 'RELATED LINKS'
                foreach ($b in $sec.Blocks) {
                    if ($b.Kind -ne 'Para') { Stop-HelpSource $Doc.Name $b.Line 'RELATED LINKS holds only links, one per line.' }
                    foreach ($l in $b.Lines) {
                        $t = ($l -replace $script:ListItemRx, '').Trim()
                        if (-not $t) { continue }
                        $ms = [regex]::Matches($t, '\[(?<t>[^\]]*)\]\((?<u>[^)\s]*)(?:\s+"[^"]*")?\)|<(?<u>(?:https?|mailto):[^>\s]+)>')
                        if ($ms.Count -eq 0) {
                            $cmd.Links.Add([pscustomobject]@{ Text = (ConvertFrom-MarkdownInline $t); Uri = '' })
                            continue
                        }
                        foreach ($m in $ms) {
                            $u = $m.Groups['u'].Value
                            $txt = if ($m.Groups['t'].Success -and $m.Groups['t'].Value) { ConvertFrom-MarkdownInline $m.Groups['t'].Value } else { $u }
                            # Like PlatyPS: only absolute URIs are kept; relative page links keep their text.
                            $cmd.Links.Add([pscustomobject]@{ Text = $txt; Uri = $(if (Test-AbsoluteUri $u) { $u } else { '' }) })
                        }
                    }
                }
            }
            default {
                Stop-HelpSource $Doc.Name $h.Line "Unexpected section '## $($h.Text)' (expected SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES or RELATED LINKS)."
            }
        }
    }

    if (-not $cmd.Synopsis) { Stop-HelpSource $Doc.Name $title.Line "Command $name has no '## SYNOPSIS' section." }

    $online = if ($fm.Contains('online version')) { $fm['online version'] } else { '' }
    if ($online -and (Test-AbsoluteUri $online) -and -not ($cmd.Links | Where-Object Uri -EQ $online)) {
        # New-ExternalHelp puts the page's online version first; Get-Help -Online opens the first link with a URI.
        $cmd.Links.Insert(0, [pscustomobject]@{ Text = 'Online Version:'; Uri = $online })
    }

    Resolve-ParameterSets $cmd
    return $cmd
}

function Resolve-ParameterSets($Cmd) {
    $doc = $Cmd.Doc
    # Parameter set names, in SYNTAX order, then in order of first mention in the yaml blocks.
    $setNames = [System.Collections.Generic.List[string]]::new()
    $defaultSet = $null
    foreach ($s in $Cmd.SyntaxSets) {
        if ($s.Name -eq $script:AllSets) { continue }
        if ($setNames -contains $s.Name) { Stop-HelpSource $doc.Name $s.Line "Parameter set '$($s.Name)' appears twice in SYNTAX." }
        $setNames.Add($s.Name)
        if ($s.IsDefault) { $defaultSet = $s.Name }
    }
    foreach ($p in $Cmd.Parameters) {
        foreach ($e in $p.Entries) {
            $sets = if ($e.Pairs['Parameter Sets']) { $e.Pairs['Parameter Sets'] } else { $script:AllSets }
            foreach ($n in ($sets -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })) {
                if ($n -eq $script:AllSets -or $n -eq '__AllParameterSets') { continue }
                if (-not ($setNames -contains $n)) {
                    if ($Cmd.SyntaxSets.Count -gt 0) {
                        Write-Warning "$($doc.Name):$($e.KeyLines['Parameter Sets']): parameter set '$n' of -$($p.Name) has no '### $n' entry under SYNTAX."
                    }
                    $setNames.Add($n)
                }
            }
        }
    }
    $Cmd | Add-Member -NotePropertyName SetNames -NotePropertyValue $setNames
    $Cmd | Add-Member -NotePropertyName DefaultSet -NotePropertyValue $(if ($defaultSet) { $defaultSet } elseif ($setNames.Count) { $setNames[0] } else { $null })

    foreach ($p in $Cmd.Parameters) {
        # setName -> attributes. '(All)' when the parameter belongs to every set.
        $info = [ordered]@{}
        foreach ($e in $p.Entries) {
            $pairs = $e.Pairs
            $declared = if ($pairs['Parameter Sets']) { $pairs['Parameter Sets'] } else { $script:AllSets }
            $members = @($declared -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ } |
                    ForEach-Object { if ($_ -eq '__AllParameterSets') { $script:AllSets } else { $_ } })
            $expanded = if ($members -contains $script:AllSets) {
                if ($setNames.Count) { @($setNames) } else { @($script:AllSets) }
            }
            else { $members }

            $attr = @{}
            foreach ($k in 'Required', 'Position', 'Accept pipeline input') {
                $raw = $pairs[$k]
                $perSet = @{}
                if ($raw) {
                    $qualified = Split-SetQualifiedValue $raw
                    $isPerSet = $null -ne $qualified -and @($qualified | ForEach-Object Sets | Where-Object { $expanded -notcontains $_ }).Count -eq 0 -and
                        @($qualified | ForEach-Object Sets).Count -gt 0
                    if ($isPerSet) {
                        foreach ($q in $qualified) { foreach ($s in $q.Sets) { $perSet[$s] = $q.Value } }
                    }
                    elseif ($null -ne $qualified -and $k -ne 'Accept pipeline input') {
                        $bad = @($qualified | ForEach-Object Sets | Where-Object { $expanded -notcontains $_ })
                        Stop-HelpSource $doc.Name $e.KeyLines[$k] "-$($p.Name) '${k}: $raw' names parameter set(s) '$($bad -join "', '")' the parameter is not in."
                    }
                }
                $attr[$k] = [pscustomobject]@{ Raw = $raw; PerSet = $perSet }
            }

            foreach ($s in $expanded) {
                $pick = {
                    param($k, $fallback)
                    $a = $attr[$k]
                    if ($a.PerSet.Count) { if ($a.PerSet.ContainsKey($s)) { $a.PerSet[$s] } else { $fallback } }
                    elseif ($a.Raw) { $a.Raw } else { $fallback }
                }
                $required = (& $pick 'Required' 'False') -eq 'True'
                $position = (& $pick 'Position' 'Named')
                if ($position -notmatch '^(\d+|named)$') {
                    Stop-HelpSource $doc.Name $e.KeyLines['Position'] "-$($p.Name) has Position '$position' (expected a number or Named)."
                }
                $pipeline = & $pick 'Accept pipeline input' 'False'
                if (-not $info.Contains($s)) {
                    $info[$s] = [pscustomobject]@{ Required = $required; Position = $position.ToLowerInvariant(); PipelineInput = $pipeline }
                }
            }
        }
        $p.SetInfo = $info
    }
}

function Get-ParameterSetInfo($Cmd, $Param, [string]$SetName) {
    if ($Param.SetInfo.Contains($SetName)) { return $Param.SetInfo[$SetName] }
    if ($Param.SetInfo.Contains($script:AllSets)) { return $Param.SetInfo[$script:AllSets] }
    return $null
}

function Get-PrimarySetInfo($Cmd, $Param) {
    # What the PARAMETERS section shows for a parameter in several sets: its attributes in the
    # default set if it belongs there, else in the first set it belongs to.
    if ($Cmd.DefaultSet -and $Param.SetInfo.Contains($Cmd.DefaultSet)) { return $Param.SetInfo[$Cmd.DefaultSet] }
    foreach ($s in $Cmd.SetNames) { if ($Param.SetInfo.Contains($s)) { return $Param.SetInfo[$s] } }
    return @($Param.SetInfo.Values)[0]
}

function Get-SyntaxItems($Cmd) {
    # One syntax item per parameter set, in SYNTAX order; parameters in the order the SYNTAX code
    # block lists them (then by position), like the PowerShell-generated syntax PlatyPS captured.
    $doc = $Cmd.Doc
    $sets = if ($Cmd.SetNames.Count) { @($Cmd.SetNames) } else { @($script:AllSets) }
    foreach ($set in $sets) {
        $members = [System.Collections.Generic.List[object]]::new()
        foreach ($p in $Cmd.Parameters) {
            $si = Get-ParameterSetInfo $Cmd $p $set
            if ($si) { $members.Add([pscustomobject]@{ Param = $p; Info = $si }) }
        }
        $syntax = $Cmd.SyntaxSets | Where-Object Name -EQ $set | Select-Object -First 1
        if (-not $syntax -and $set -eq $script:AllSets) { $syntax = $Cmd.SyntaxSets | Select-Object -First 1 }
        $order = @{}
        if ($syntax) {
            foreach ($m in $members) {
                $hit = [regex]::Match($syntax.Text, '(?<![\w-])-' + [regex]::Escape($m.Param.Name) + '(?![\w-])', 'IgnoreCase')
                if ($hit.Success) { $order[$m.Param.Name] = $hit.Index }
                else { Write-Warning "$($doc.Name):$($syntax.Line): -$($m.Param.Name) belongs to set '$set' but its SYNTAX block does not show it." }
            }
            foreach ($hit in [regex]::Matches($syntax.Text, '(?<![\w-])-(\w+)')) {
                $n = $hit.Groups[1].Value
                if ($members | Where-Object { $_.Param.Name -eq $n }) { continue }
                if ($Cmd.Parameters | Where-Object Name -EQ $n) {
                    Write-Warning "$($doc.Name):$($syntax.Line): SYNTAX for set '$set' shows -$n, but its yaml does not put it in that set."
                }
                else {
                    Write-Warning "$($doc.Name):$($syntax.Line): SYNTAX shows -$n, which has no '### -$n' entry under PARAMETERS."
                }
            }
        }
        $sorted = $members | Sort-Object -Stable -Property `
        @{ Expression = { if ($order.ContainsKey($_.Param.Name)) { 0 } else { 1 } } },
        @{ Expression = { if ($order.ContainsKey($_.Param.Name)) { $order[$_.Param.Name] } else { 0 } } },
        @{ Expression = { if ($_.Info.Position -eq 'named') { [int]::MaxValue } else { [int]$_.Info.Position } } }
        [pscustomobject]@{ Set = $set; Members = @($sorted) }
    }
}

# ---------------------------------------------------------------------------------------------
# MAML writer
# ---------------------------------------------------------------------------------------------

$script:NsMsh = 'http://msh'
$script:NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$script:NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:NsMSHelp = 'http://msdn.microsoft.com/mshelp'

function Test-SwitchType([string]$Type) {
    return $Type -in 'SwitchParameter', 'System.Management.Automation.SwitchParameter', 'Switch'
}

function Write-El($W, [string]$Prefix, [string]$Name, [string]$Text) {
    $ns = switch ($Prefix) { 'maml' { $script:NsMaml } 'command' { $script:NsCommand } 'dev' { $script:NsDev } }
    $W.WriteStartElement($Prefix, $Name, $ns)
    if ($null -ne $Text) { $W.WriteString($Text) }
    $W.WriteEndElement()
}

function Write-Start($W, [string]$Prefix, [string]$Name) {
    $ns = switch ($Prefix) { 'maml' { $script:NsMaml } 'command' { $script:NsCommand } 'dev' { $script:NsDev } }
    $W.WriteStartElement($Prefix, $Name, $ns)
}

function Write-Paras($W, $Paragraphs, [string]$Wrapper = 'description') {
    Write-Start $W 'maml' $Wrapper
    foreach ($p in $Paragraphs) { Write-El $W 'maml' 'para' $p }
    $W.WriteEndElement()
}

function Format-ExampleTitle([string]$Title) {
    # Same dash padding New-ExternalHelp applies.
    if ([string]::IsNullOrWhiteSpace($Title) -or $Title.Length -ge 62) { return $Title }
    $pad = [int][math]::Floor((64 - $Title.Length - 2) / 2)
    return ('-' * $pad) + ' ' + $Title + ' ' + ('-' * $pad)
}

function Write-Parameter($W, $Cmd, $Param, $Info, [bool]$IsSyntax) {
    $type = $Param.Type
    $isSwitch = Test-SwitchType $type
    if ($isSwitch) { $type = 'SwitchParameter' }
    $aliases = if ($Param.Aliases -and $Param.Aliases -ne 'None') {
        (@($Param.Aliases -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }) -join ', ')
    }
    else { 'none' }
    $globbing = if ($Param.Globbing -eq 'True') { 'true' } else { 'false' }

    Write-Start $W 'command' 'parameter'
    $W.WriteAttributeString('required', $(if ($Info.Required) { 'true' } else { 'false' }))
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', $globbing)
    $W.WriteAttributeString('pipelineInput', $Info.PipelineInput)
    $W.WriteAttributeString('position', $Info.Position)
    $W.WriteAttributeString('aliases', $aliases)
    Write-El $W 'maml' 'name' $Param.Name
    Write-Paras $W $Param.Description
    if ($IsSyntax -and $Param.Accepted) {
        Write-Start $W 'command' 'parameterValueGroup'
        foreach ($v in ($Param.Accepted -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })) {
            Write-Start $W 'command' 'parameterValue'
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $script:NsCommand, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    if (-not ($IsSyntax -and $isSwitch)) {
        Write-Start $W 'command' 'parameterValue'
        $W.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($type)
        $W.WriteEndElement()
    }
    Write-Start $W 'dev' 'type'
    Write-El $W 'maml' 'name' $type
    Write-El $W 'maml' 'uri' ''
    $W.WriteEndElement()
    $default = if ($isSwitch -and (-not $Param.Default -or $Param.Default -eq 'None')) { 'False' }
    elseif ($Param.Default) { $Param.Default } else { 'None' }
    Write-El $W 'dev' 'defaultValue' $default
    $W.WriteEndElement()
}

function Write-Command($W, $Cmd) {
    Write-Start $W 'command' 'command'
    $W.WriteAttributeString('xmlns', 'maml', $null, $script:NsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $script:NsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $script:NsDev)
    $W.WriteAttributeString('xmlns', 'MSHelp', $null, $script:NsMSHelp)

    Write-Start $W 'command' 'details'
    Write-El $W 'command' 'name' $Cmd.Name
    Write-El $W 'command' 'verb' $Cmd.Verb
    Write-El $W 'command' 'noun' $Cmd.Noun
    Write-Paras $W @($Cmd.Synopsis)
    $W.WriteEndElement()

    Write-Paras $W $Cmd.Description

    Write-Start $W 'command' 'syntax'
    foreach ($item in (Get-SyntaxItems $Cmd)) {
        Write-Start $W 'command' 'syntaxItem'
        Write-El $W 'maml' 'name' $Cmd.Name
        foreach ($m in $item.Members) { Write-Parameter $W $Cmd $m.Param $m.Info $true }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    Write-Start $W 'command' 'parameters'
    foreach ($p in $Cmd.Parameters) { Write-Parameter $W $Cmd $p (Get-PrimarySetInfo $Cmd $p) $false }
    $W.WriteEndElement()

    foreach ($kind in 'input', 'output') {
        $list = $Cmd.Inputs
        if ($kind -eq 'output') { $list = $Cmd.Outputs }
        Write-Start $W 'command' $(if ($kind -eq 'input') { 'inputTypes' } else { 'returnValues' })
        foreach ($io in $list) {
            Write-Start $W 'command' $(if ($kind -eq 'input') { 'inputType' } else { 'returnValue' })
            Write-Start $W 'dev' 'type'
            Write-El $W 'maml' 'name' $io.TypeName
            $W.WriteEndElement()
            Write-Paras $W $io.Description
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    Write-Start $W 'maml' 'alertSet'
    Write-Paras $W $Cmd.Notes 'alert'
    $W.WriteEndElement()

    Write-Start $W 'command' 'examples'
    for ($k = 0; $k -lt $Cmd.Examples.Count; $k++) {
        $ex = $Cmd.Examples[$k]
        Write-Start $W 'command' 'example'
        Write-El $W 'maml' 'title' (Format-ExampleTitle $ex.Title)
        Write-El $W 'dev' 'code' $ex.Code
        # An empty closing paragraph puts a blank line between one example's remarks and the next title.
        $remarks = @($ex.Remarks)
        if ($k -lt $Cmd.Examples.Count - 1) { $remarks += '' }
        Write-Paras $W $remarks 'remarks'
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    Write-Start $W 'command' 'relatedLinks'
    foreach ($l in $Cmd.Links) {
        Write-Start $W 'maml' 'navigationLink'
        Write-El $W 'maml' 'linkText' $l.Text
        Write-El $W 'maml' 'uri' $l.Uri
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

function ConvertTo-MamlBytes($Commands) {
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.NewLineHandling = [System.Xml.NewLineHandling]::Replace
    $settings.CheckCharacters = $true
    $stream = [System.IO.MemoryStream]::new()
    $w = [System.Xml.XmlWriter]::Create($stream, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', $script:NsMsh)
        $w.WriteAttributeString('schema', 'maml')
        foreach ($c in $Commands) {
            try { Write-Command $w $c }
            catch [System.ArgumentException] {
                Stop-HelpSource $c.Doc.Name $c.Line "Cannot write help for $($c.Name) as XML: $($_.Exception.Message)"
            }
        }
        $w.WriteEndElement()
        $w.WriteEndDocument()
        $w.Flush()
    }
    finally { $w.Dispose() }
    $bytes = $stream.ToArray()
    # Trailing newline, like every other text file.
    return [byte[]]($bytes + [byte]10)
}

# ---------------------------------------------------------------------------------------------
# about_ topics -> plain text
# ---------------------------------------------------------------------------------------------

function ConvertTo-AboutText($Doc) {
    $topic = [System.IO.Path]::GetFileNameWithoutExtension($Doc.Path)
    $blocks = $Doc.Blocks
    if ($blocks.Count -eq 0 -or $blocks[0].Kind -ne 'Heading' -or $blocks[0].Level -ne 1) {
        $line = if ($blocks.Count -gt 0) { $blocks[0].Line } else { 1 }
        Stop-HelpSource $Doc.Name $line "Expected '# $topic' as the first heading."
    }
    if ($blocks[0].Text -ne $topic) {
        Write-Warning "$($Doc.Name):$($blocks[0].Line): heading '# $($blocks[0].Text)' differs from the file's topic name '$topic'."
    }
    $firstSection = $blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -gt 1 } | Select-Object -First 1
    if (-not $firstSection -or $firstSection.Text -notmatch '^short description$') {
        Stop-HelpSource $Doc.Name $(if ($firstSection) { $firstSection.Line } else { $blocks[0].Line }) "about topics start with '## SHORT DESCRIPTION' (Get-Help reads the topic's synopsis from the line below it)."
    }
    $short = $blocks[[array]::IndexOf($blocks.ToArray(), $firstSection) + 1]
    if ($null -eq $short -or $short.Kind -ne 'Para') {
        Stop-HelpSource $Doc.Name $firstSection.Line 'SHORT DESCRIPTION is empty.'
    }

    $sb = [System.Text.StringBuilder]::new()
    $nl = "`n"
    for ($k = 0; $k -lt $blocks.Count; $k++) {
        $b = $blocks[$k]
        switch ($b.Kind) {
            'Heading' {
                if ($k -eq 0) {
                    [void]$sb.Append('TOPIC').Append($nl).Append('    ').Append($topic).Append($nl).Append($nl)
                }
                elseif ($b.Level -le 2) {
                    [void]$sb.Append((ConvertFrom-MarkdownInline $b.Text).ToUpperInvariant()).Append($nl)
                }
                else {
                    [void]$sb.Append('    ').Append((ConvertFrom-MarkdownInline $b.Text).ToUpperInvariant()).Append($nl)
                }
            }
            'Para' {
                if ($b -eq $short) {
                    # Get-Help takes line 5 of the file as the topic's synopsis: keep it on one line.
                    foreach ($p in (ConvertTo-ParagraphText $b.Lines)) { [void]$sb.Append('    ').Append($p).Append($nl) }
                }
                else {
                    foreach ($l in $b.Lines) {
                        $t = $l.Trim() -replace '^>\s?', ''
                        if ($t -match '^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]$') { $t = $Matches[1].ToUpperInvariant() + ':' }
                        $t = ConvertFrom-MarkdownInline ($t -replace '\\$', '')
                        # Keep the source's own indentation (nested items, continuation lines of an item).
                        $indent = '    ' + [regex]::Match($l, '^[ \t]*').Value
                        [void]$sb.Append($indent).Append($t.TrimEnd()).Append($nl)
                    }
                }
                [void]$sb.Append($nl)
            }
            'Code' {
                foreach ($l in ($b.Text -split "`n")) {
                    if ($l) { [void]$sb.Append('        ').Append($l) }
                    [void]$sb.Append($nl)
                }
                [void]$sb.Append($nl)
            }
        }
    }
    return $sb.ToString().TrimEnd() + $nl
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

if (-not (Test-Path -LiteralPath $SourcePath -PathType Container)) {
    throw "SourcePath '$SourcePath' is not a folder."
}
$source = (Resolve-Path -LiteralPath $SourcePath).ProviderPath
$files = @(Get-ChildItem -LiteralPath $source -Filter '*.md' -File | Sort-Object Name)
if ($files.Count -eq 0) { throw "No *.md files in '$source'." }

$commands = [System.Collections.Generic.List[object]]::new()
$abouts = [System.Collections.Generic.List[object]]::new()
$failures = [System.Collections.Generic.List[string]]::new()

foreach ($f in $files) {
    try {
        $doc = Read-MarkdownFile $f.FullName
        if ($f.BaseName -like 'about_*') {
            $abouts.Add([pscustomobject]@{ Name = "$($f.BaseName).help.txt"; Text = (ConvertTo-AboutText $doc) })
        }
        else {
            $cmd = ConvertTo-CommandModel $doc
            if ($commands | Where-Object Name -EQ $cmd.Name) { Stop-HelpSource $doc.Name $cmd.Line "Command $($cmd.Name) is documented in more than one file." }
            $commands.Add($cmd)
        }
        Write-Verbose "Parsed $($f.Name)"
    }
    catch [HelpSourceException] {
        $failures.Add($_.Exception.Message)
    }
}

if ($failures.Count -gt 0) {
    $msg = "Help compilation failed ($($failures.Count) file(s)) in ${source}:`n  " + ($failures -join "`n  ")
    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.FormatException]::new($msg), 'HelpSourceInvalid', [System.Management.Automation.ErrorCategory]::ParserError, $source))
}

# Build everything in memory first so a late failure leaves no half-written output.
$outputs = [System.Collections.Generic.List[object]]::new()
$utf8 = [System.Text.UTF8Encoding]::new($false)
if ($commands.Count -gt 0) {
    try { $outputs.Add([pscustomobject]@{ Name = $HelpFileName; Bytes = (ConvertTo-MamlBytes $commands) }) }
    catch [HelpSourceException] {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [System.FormatException]::new($_.Exception.Message), 'HelpSourceInvalid', [System.Management.Automation.ErrorCategory]::ParserError, $source))
    }
}
foreach ($a in $abouts) { $outputs.Add([pscustomobject]@{ Name = $a.Name; Bytes = $utf8.GetBytes($a.Text) }) }

if (-not (Test-Path -LiteralPath $OutputPath)) { $null = New-Item -ItemType Directory -Path $OutputPath -Force }
$outDir = (Resolve-Path -LiteralPath $OutputPath).ProviderPath
foreach ($o in $outputs) {
    $target = Join-Path $outDir $o.Name
    [System.IO.File]::WriteAllBytes($target, $o.Bytes)
    Get-Item -LiteralPath $target
}
