#include "serve/agentinstalltoml.h"

#include <QList>
#include <QStringList>

namespace ktx {

namespace {

struct Line
{
    QByteArray text; // with its line ending
    bool header = false;
    QStringList name; // header segments, unquoted
};

// Splits a header's name ("mcp_servers.\"ktx\"") into unquoted segments.
QStringList headerName(const QByteArray &trimmed)
{
    int start = trimmed.startsWith("[[") ? 2 : 1;
    QStringList segments;
    QByteArray current;
    char quote = 0;
    for (int i = start; i < trimmed.size(); ++i) {
        const char c = trimmed[i];
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < trimmed.size()) {
                current += trimmed[++i];
                continue;
            }
            if (c == quote)
                quote = 0;
            else
                current += c;
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '.') {
            segments << QString::fromUtf8(current.trimmed());
            current.clear();
        } else if (c == ']') {
            break;
        } else {
            current += c;
        }
    }
    segments << QString::fromUtf8(current.trimmed());
    return segments;
}

QList<Line> splitLines(const QByteArray &text)
{
    QList<Line> lines;
    QByteArray inString; // the open multi-line string delimiter, if any
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        end = end < 0 ? text.size() : end + 1;
        Line line;
        line.text = text.mid(pos, end - pos);
        pos = end;
        const QByteArray trimmed = line.text.trimmed();
        if (!inString.isEmpty()) {
            if (trimmed.contains(inString))
                inString.clear();
        } else if (trimmed.startsWith('[')) {
            line.header = true;
            line.name = headerName(trimmed);
        } else {
            for (const char *delimiter : {"\"\"\"", "'''"}) {
                if (trimmed.count(delimiter) % 2 == 1) {
                    inString = delimiter;
                    break;
                }
            }
        }
        lines << line;
    }
    return lines;
}

bool isBlankOrComment(const Line &line)
{
    const QByteArray trimmed = line.text.trimmed();
    return trimmed.isEmpty() || trimmed.startsWith('#');
}

bool belongs(const QStringList &name, const QStringList &table)
{
    return name.size() >= table.size() && name.mid(0, table.size()) == table;
}

struct Region
{
    int first = 0;
    int last = 0; // inclusive
};

// The runs of lines that make up `table`, and the first line that defines it
// in a form we cannot edit (-1 when none).
QList<Region> regionsOf(const QList<Line> &lines, const QStringList &table, int *conflict)
{
    QList<Region> regions;
    *conflict = -1;
    QStringList section; // empty: the root table
    bool inside = false;
    const QStringList parent = table.mid(0, table.size() - 1);
    const QString leaf = table.constLast();
    for (int i = 0; i < lines.size(); ++i) {
        const Line &line = lines[i];
        if (line.header) {
            section = line.name;
            const bool ours = belongs(section, table);
            if (ours && !inside)
                regions << Region {i, i};
            inside = ours;
        } else if (!isBlankOrComment(line) && *conflict < 0) {
            // `mcp_servers = {...}` or `mcp_servers.ktx.url = ...` at the root, or
            // `ktx = {...}` / `ktx.url = ...` under [mcp_servers].
            const QByteArray key = line.text.trimmed();
            const auto defines = [&key](const QString &name) {
                for (const QByteArray &spelled :
                     {name.toUtf8(), QByteArray('"' + name.toUtf8() + '"')}) {
                    if (key.startsWith(spelled)) {
                        const QByteArray rest = key.mid(spelled.size()).trimmed();
                        if (rest.startsWith('=') || rest.startsWith('.'))
                            return true;
                    }
                }
                return false;
            };
            if (!inside
                && ((section.isEmpty() && defines(table.constFirst()))
                    || (section == parent && defines(leaf))))
                *conflict = i;
        }
        if (inside)
            regions.last().last = i;
    }
    // Trailing blanks and comments introduce whatever follows; they stay.
    for (Region &region : regions) {
        while (region.last > region.first && isBlankOrComment(lines[region.last]))
            --region.last;
    }
    return regions;
}

QByteArray lineEnding(const QByteArray &text)
{
    const qsizetype newline = text.indexOf('\n');
    return newline > 0 && text[newline - 1] == '\r' ? QByteArray("\r\n") : QByteArray("\n");
}

QByteArray join(const QList<Line> &lines)
{
    QByteArray text;
    for (const Line &line : lines)
        text += line.text;
    return text;
}

Error conflictError(const QString &fileName, int line, const QString &table)
{
    Error e = makeError(
        QStringLiteral("agent_config_unsupported"),
        QStringLiteral("%1 line %2 defines %3 in a form ktx does not edit; nothing was written.")
            .arg(fileName)
            .arg(line + 1)
            .arg(table),
        QStringLiteral("Move it into a [%1] table of its own, or remove it, then run the "
                       "command again.")
            .arg(table));
    e.file = fileName;
    e.line = line + 1;
    return e;
}

} // namespace

Result<QByteArray> AgentInstallToml::setTable(const QByteArray &text, const QString &table,
                                              const QByteArray &body, const QString &fileName)
{
    const QList<Line> lines = splitLines(text);
    const QStringList name = table.split(QLatin1Char('.'));
    int conflict = -1;
    const QList<Region> regions = regionsOf(lines, name, &conflict);
    if (conflict >= 0)
        return conflictError(fileName, conflict, table);

    const QByteArray eol = lineEnding(text);
    QByteArray block = '[' + table.toUtf8() + ']' + eol;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.isEmpty())
            block += line + eol;
    }

    if (regions.isEmpty()) {
        QByteArray result = text;
        if (!result.isEmpty() && !result.endsWith('\n'))
            result += eol;
        if (!result.trimmed().isEmpty() && !result.endsWith(QByteArray(eol + eol)))
            result += eol;
        return QByteArray(result + block);
    }
    QList<Line> kept;
    for (int i = 0; i < lines.size(); ++i) {
        bool skip = false;
        for (int r = 0; r < regions.size(); ++r) {
            if (i < regions[r].first || i > regions[r].last)
                continue;
            skip = true;
            if (r == 0 && i == regions[r].first)
                kept << Line {block, true, name};
        }
        if (!skip)
            kept << lines[i];
    }
    // The last table of a file may lack its final newline; the block brings one.
    return join(kept);
}

Result<QByteArray> AgentInstallToml::removeTable(const QByteArray &text, const QString &table,
                                                 const QString &fileName)
{
    // Removal touches only a table of its own; another spelling of the same
    // server is the user's and stays, so it is no error here.
    Q_UNUSED(fileName)
    const QList<Line> lines = splitLines(text);
    const QStringList name = table.split(QLatin1Char('.'));
    int conflict = -1;
    const QList<Region> regions = regionsOf(lines, name, &conflict);
    if (regions.isEmpty())
        return text;
    QList<bool> drop(lines.size(), false);
    for (const Region &region : regions) {
        for (int i = region.first; i <= region.last; ++i)
            drop[i] = true;
        // The blank line that set the table apart goes with it, unless it still
        // separates two other things.
        const int before = region.first - 1;
        const int after = region.last + 1;
        if (before >= 0 && !drop[before] && lines[before].text.trimmed().isEmpty()
            && (after >= lines.size() || lines[after].text.trimmed().isEmpty()))
            drop[before] = true;
    }
    QByteArray result;
    for (int i = 0; i < lines.size(); ++i) {
        if (!drop[i])
            result += lines[i].text;
    }
    return result;
}

QByteArray AgentInstallToml::tableText(const QByteArray &text, const QString &table)
{
    const QList<Line> lines = splitLines(text);
    int conflict = -1;
    QByteArray result;
    for (const Region &region : regionsOf(lines, table.split(QLatin1Char('.')), &conflict)) {
        for (int i = region.first; i <= region.last; ++i)
            result += lines[i].text;
    }
    return result;
}

} // namespace ktx
