#include "wiki/wikipage.h"

#include "project/yamldocument.h"

#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>

namespace ktx {

namespace {

// The front-matter starts on line 2 of the file; YAML lines are counted from it.
constexpr int kFrontMatterLineOffset = 1;

Error pageError(const QString &fileName, int line, int column, const QString &message,
                const QString &hint = {})
{
    Error e = makeError(QStringLiteral("wiki.invalid_page"), message, hint);
    e.file = fileName;
    e.line = line;
    e.column = column;
    return e;
}

Error nodeError(const QString &fileName, const YamlNode &node, const QString &message,
                const QString &hint = {})
{
    return pageError(fileName, node.start.line + kFrontMatterLineOffset, node.start.column, message,
                     hint);
}

Result<QString> readString(const YamlNode &node, const QString &key, const QString &fileName)
{
    if (node.isNull())
        return QString();
    if (!node.isScalar())
        return nodeError(fileName, node,
                         QStringLiteral("`%1` must be a single line of text.").arg(key));
    return node.text;
}

Result<QStringList> readStringList(const YamlNode &node, const QString &key,
                                   const QString &fileName)
{
    if (node.isNull())
        return QStringList();
    if (!node.isSequence())
        return nodeError(
            fileName, node, QStringLiteral("`%1` must be a list of strings.").arg(key),
            QStringLiteral("Write it as `%1: [a, b]` or one `- item` per line.").arg(key));
    QStringList out;
    for (const YamlNode &item : node.items) {
        if (!item.isScalar() || item.isNull())
            return nodeError(fileName, item,
                             QStringLiteral("Every entry of `%1` must be a string.").arg(key));
        out << item.text;
    }
    return out;
}

bool isPlainSafe(const QString &text)
{
    if (text.isEmpty() || text.front().isSpace() || text.back().isSpace())
        return false;
    static const QString indicators = QStringLiteral("-?:,[]{}#&*!|>'\"%@`");
    if (indicators.contains(text.front()))
        return false;
    if (text.contains(QLatin1String(": ")) || text.contains(QLatin1String(" #"))
        || text.endsWith(QLatin1Char(':')))
        return false;
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c == QLatin1Char('\t'))
            return false;
    }
    // Words and numbers YAML would read as something other than a string.
    static const QRegularExpression special(
        QStringLiteral("^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?(?:\\.inf|\\.nan)|[-+]?[0-9]["
                       "0-9_]*(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\\.[0-9]+|0x[0-9a-fA-F]+|"
                       "0o[0-7]+)$"),
        QRegularExpression::CaseInsensitiveOption);
    return !special.match(text).hasMatch();
}

// JSON string escapes are valid YAML double-quoted escapes.
QByteArray quoted(const QString &text)
{
    QByteArray json = QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact);
    return json.mid(1, json.size() - 2);
}

QByteArray renderString(const QString &text)
{
    return isPlainSafe(text) ? text.toUtf8() : quoted(text);
}

QByteArray renderScalar(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? "true" : "false";
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::floor(d) == d && std::fabs(d) < 9.007199254740992e15)
            return QByteArray::number(qint64(d));
        return QString::number(d, 'g', QLocale::FloatingPointShortest).toUtf8();
    }
    case QJsonValue::String:
        return renderString(value.toString());
    default:
        return "null";
    }
}

QByteArray flow(const QJsonValue &value)
{
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    return renderScalar(value);
}

void renderValue(QByteArray &out, const QJsonValue &value, int indent);

void renderEntry(QByteArray &out, const QString &key, const QJsonValue &value, int indent)
{
    out += QByteArray(indent, ' ') + renderString(key) + ':';
    renderValue(out, value, indent);
}

// Appends what follows "key:" (a space and a scalar, or a newline and a block).
void renderValue(QByteArray &out, const QJsonValue &value, int indent)
{
    if (value.isArray() && !value.toArray().isEmpty()) {
        out += '\n';
        const QByteArray pad(indent + 2, ' ');
        for (const QJsonValue &item : value.toArray()) {
            if (item.isObject() && !item.toObject().isEmpty()) {
                // "- first: x" with the other keys aligned under "first".
                QByteArray block;
                const QJsonObject object = item.toObject();
                for (auto it = object.begin(); it != object.end(); ++it)
                    renderEntry(block, it.key(), it.value(), indent + 4);
                block.replace(0, indent + 4, QByteArray(pad + "- "));
                out += block;
            } else {
                out += pad + "- " + flow(item) + '\n';
            }
        }
        return;
    }
    if (value.isObject() && !value.toObject().isEmpty()) {
        out += '\n';
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            renderEntry(out, it.key(), it.value(), indent + 2);
        return;
    }
    out += ' ' + flow(value) + '\n';
}

} // namespace

const QStringList &WikiPage::usageModes()
{
    static const QStringList modes {QStringLiteral("always"), QStringLiteral("auto"),
                                    QStringLiteral("never")};
    return modes;
}

Result<WikiPage> WikiPage::parse(const QByteArray &input, const QString &fileName)
{
    QByteArray bytes = input;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);

    // Lines with their start offsets; a line ends at '\n' (a '\r' before it is dropped).
    auto lineAt = [&](qsizetype start, qsizetype *next) {
        qsizetype end = bytes.indexOf('\n', start);
        *next = end < 0 ? bytes.size() : end + 1;
        if (end < 0)
            end = bytes.size();
        QByteArray line = bytes.mid(start, end - start);
        if (line.endsWith('\r'))
            line.chop(1);
        return line;
    };

    qsizetype next = 0;
    if (bytes.isEmpty() || lineAt(0, &next).trimmed() != "---")
        return pageError(fileName, 1, 1,
                         QStringLiteral("A wiki page must start with a `---` line that opens its "
                                        "front-matter."),
                         QStringLiteral("Begin the file with `---`, then `summary: ...`, then "
                                        "`---` and the Markdown body."));
    const qsizetype yamlStart = next;
    qsizetype pos = next;
    int line = 2;
    qsizetype yamlEnd = -1;
    qsizetype bodyStart = -1;
    while (pos < bytes.size()) {
        const QByteArray text = lineAt(pos, &next);
        if (text == "---" || text == "...") {
            yamlEnd = pos;
            bodyStart = next;
            break;
        }
        pos = next;
        ++line;
    }
    if (yamlEnd < 0)
        return pageError(fileName, line - 1 > 0 ? line - 1 : 1, 1,
                         QStringLiteral("The front-matter is never closed: no `---` line after "
                                        "the one on line 1."),
                         QStringLiteral("Add a line `---` between the front-matter and the body."));

    WikiPage page;
    page.body = QString::fromUtf8(bytes.mid(bodyStart));

    auto parsed = YamlDocument::parse(bytes.mid(yamlStart, yamlEnd - yamlStart), fileName);
    if (!parsed.ok()) {
        Error e = parsed.error();
        e.code = QStringLiteral("wiki.invalid_page");
        e.file = fileName;
        if (e.line > 0)
            e.line += kFrontMatterLineOffset;
        return e;
    }
    const YamlNode *root = parsed->root();
    if (!root || root->isNull())
        return pageError(fileName, 2, 1, QStringLiteral("The front-matter has no `summary`."),
                         QStringLiteral("Add `summary: <one line>`; search and agents show it."));
    if (!root->isMapping())
        return nodeError(fileName, *root,
                         QStringLiteral("The front-matter must be a mapping of keys to values."));

    for (const YamlEntry &entry : root->entries) {
        const QString key = entry.key.text;
        const YamlNode &value = entry.value;
        if (!entry.key.isScalar())
            return nodeError(fileName, entry.key,
                             QStringLiteral("Front-matter keys must be text."));
        if (page.declaredKeys.contains(key))
            return nodeError(fileName, entry.key,
                             QStringLiteral("`%1` appears twice in the front-matter.").arg(key));
        page.declaredKeys.insert(key);

        auto takeString = [&](QString *field) -> std::optional<Error> {
            Result<QString> r = readString(value, key, fileName);
            if (!r)
                return r.error();
            *field = r.value();
            return std::nullopt;
        };
        auto takeList = [&](QStringList *field) -> std::optional<Error> {
            Result<QStringList> r = readStringList(value, key, fileName);
            if (!r)
                return r.error();
            *field = r.value();
            return std::nullopt;
        };

        std::optional<Error> error;
        if (key == QLatin1String("summary")) {
            error = takeString(&page.summary);
        } else if (key == QLatin1String("tags")) {
            error = takeList(&page.tags);
        } else if (key == QLatin1String("refs")) {
            error = takeList(&page.refs);
        } else if (key == QLatin1String("sl_refs")) {
            error = takeList(&page.slRefs);
        } else if (key == QLatin1String("connections")) {
            error = takeList(&page.connections);
        } else if (key == QLatin1String("usage_mode")) {
            error = takeString(&page.usageMode);
            if (!error && !page.usageMode.isEmpty() && !usageModes().contains(page.usageMode))
                error
                    = nodeError(fileName, value,
                                QStringLiteral("`usage_mode` is \"%1\"; it must be one of %2.")
                                    .arg(page.usageMode, usageModes().join(QStringLiteral(", "))));
        } else if (key == QLatin1String("source")) {
            error = takeString(&page.source);
        } else if (key == QLatin1String("stale_since")) {
            error = takeString(&page.staleSince);
        } else if (key == QLatin1String("archived_since")) {
            error = takeString(&page.archivedSince);
        } else if (key == QLatin1String("external_refs")) {
            if (!value.isNull() && !value.isSequence())
                error = nodeError(fileName, value,
                                  QStringLiteral("`external_refs` must be a list such as "
                                                 "[{type: notion, id: finance-policy}]."));
            else
                page.externalRefs = value.toJson().toArray();
        } else if (key == QLatin1String("usage")) {
            if (!value.isNull() && !value.isMapping())
                error = nodeError(fileName, value,
                                  QStringLiteral("`usage` must be a mapping of statistics "
                                                 "(executions, distinct_users, ...)."));
            else
                page.usage = value.toJson().toObject();
        } else {
            page.extra.append({key, value.toJson()});
        }
        if (error)
            return *error;
    }
    if (page.summary.trimmed().isEmpty()) {
        const YamlEntry *summary = root->findEntry(u"summary");
        return pageError(fileName, summary ? summary->key.start.line + kFrontMatterLineOffset : 2,
                         1, QStringLiteral("The front-matter has no `summary`; it is required."),
                         QStringLiteral("Add `summary: <one line>`; search and agents show it."));
    }
    return page;
}

QByteArray WikiPage::serialize() const
{
    QByteArray out = "---\n";
    auto text = [&](const char *key, const QString &value) {
        if (!value.isEmpty())
            renderEntry(out, QLatin1String(key), value, 0);
    };
    auto list = [&](const char *key, const QStringList &value) {
        if (!value.isEmpty() || declaredKeys.contains(QLatin1String(key)))
            renderEntry(out, QLatin1String(key), QJsonArray::fromStringList(value), 0);
    };
    renderEntry(out, QStringLiteral("summary"), summary, 0);
    text("usage_mode", usageMode);
    list("tags", tags);
    list("refs", refs);
    list("sl_refs", slRefs);
    list("connections", connections);
    if (!externalRefs.isEmpty() || declaredKeys.contains(QLatin1String("external_refs")))
        renderEntry(out, QStringLiteral("external_refs"), externalRefs, 0);
    text("source", source);
    if (!usage.isEmpty() || declaredKeys.contains(QLatin1String("usage")))
        renderEntry(out, QStringLiteral("usage"), usage, 0);
    text("stale_since", staleSince);
    text("archived_since", archivedSince);
    for (const auto &[key, value] : extra)
        renderEntry(out, key, value, 0);
    out += "---\n";
    out += body.toUtf8();
    return out;
}

QStringList WikiPage::wikiLinks() const
{
    // [[key]], [[key|label]] and [[key#section]] all link to `key`.
    static const QRegularExpression link(
        QStringLiteral("\\[\\[([^\\[\\]|#\\n]+)(?:[|#][^\\]\\n]*)?\\]\\]"));
    QStringList out;
    for (auto it = link.globalMatch(body); it.hasNext();) {
        const QString target = it.next().captured(1).trimmed();
        if (!target.isEmpty() && !out.contains(target))
            out << target;
    }
    return out;
}

QString WikiPage::bodyWithLinks(const QString &scheme) const
{
    static const QRegularExpression link(
        QStringLiteral("\\[\\[([^\\[\\]|#\\n]+)(?:([|#])([^\\]\\n]*))?\\]\\]"));
    const auto linkText = [&scheme](const QString &text) {
        QString out;
        qsizetype at = 0;
        for (auto it = link.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QString key = m.captured(1).trimmed();
            QString label = m.captured(2) == QLatin1String("|") ? m.captured(3).trimmed() : key;
            if (m.captured(2) == QLatin1String("#"))
                label = key + QLatin1Char('#') + m.captured(3).trimmed();
            label.replace(QLatin1Char('['), QLatin1String("\\["))
                .replace(QLatin1Char(']'), QLatin1String("\\]"));
            out += text.mid(at, m.capturedStart() - at);
            out += QStringLiteral("[%1](%2:%3)")
                       .arg(label, scheme, QString::fromLatin1(QUrl::toPercentEncoding(key)));
            at = m.capturedEnd();
        }
        return QString(out + text.mid(at));
    };

    QStringList lines = body.split(QLatin1Char('\n'));
    QString fence; // the opening fence of the code block we are in
    for (QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (!fence.isEmpty()) {
            if (trimmed.startsWith(fence))
                fence.clear();
            continue;
        }
        if (trimmed.startsWith(QLatin1String("```")) || trimmed.startsWith(QLatin1String("~~~"))) {
            fence = trimmed.left(3);
            continue;
        }
        if (!line.contains(QLatin1String("[[")))
            continue;
        // Outside code spans only: split at backtick runs and keep the odd parts.
        QString out;
        qsizetype at = 0;
        bool inCode = false;
        qsizetype codeRun = 0;
        while (at < line.size()) {
            const qsizetype tick = line.indexOf(QLatin1Char('`'), at);
            const qsizetype end = tick < 0 ? line.size() : tick;
            const QString part = line.mid(at, end - at);
            out += inCode ? part : linkText(part);
            if (tick < 0)
                break;
            qsizetype run = 0;
            while (tick + run < line.size() && line.at(tick + run) == QLatin1Char('`'))
                ++run;
            out += line.mid(tick, run);
            if (!inCode) {
                inCode = true;
                codeRun = run;
            } else if (run == codeRun) {
                inCode = false;
            }
            at = tick + run;
        }
        line = out;
    }
    return lines.join(QLatin1Char('\n'));
}

QStringList WikiPage::allRefs() const
{
    QStringList out;
    for (const QString &r : refs + wikiLinks()) {
        if (!out.contains(r))
            out << r;
    }
    return out;
}

QString WikiPage::scopeName() const
{
    return scope == WikiScope::User ? QStringLiteral("USER") : QStringLiteral("GLOBAL");
}

QString WikiPage::scopedKey() const
{
    return scope == WikiScope::User ? QStringLiteral("user/%1/%2").arg(userId, key)
                                    : QStringLiteral("global/%1").arg(key);
}

QString WikiPage::relativePath() const
{
    return scope == WikiScope::User ? QStringLiteral("wiki/user/%1/%2.md").arg(userId, key)
                                    : QStringLiteral("wiki/global/%1.md").arg(key);
}

QString WikiPage::searchText() const
{
    return QString(key + QLatin1Char('\n') + summary + QLatin1Char('\n') + body + QLatin1Char('\n')
                   + tags.join(QLatin1Char(' ')));
}

} // namespace ktx
