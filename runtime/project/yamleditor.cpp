#include "project/yamleditor.h"

#include "project/yamldocument.h"

#include <QRegularExpression>

#include <functional>

namespace ktx {

namespace {

Error editError(const QString &message)
{
    return makeError(
        QStringLiteral("yaml_edit_failed"), message,
        QStringLiteral("The file was left unchanged. Edit it by hand or report this as a bug."));
}

bool valueMatches(const YamlNode *node, const YamlValue &value)
{
    if (!node)
        return false;
    switch (value.type()) {
    case YamlValue::Type::Null:
        return node->isNull();
    case YamlValue::Type::String:
    case YamlValue::Type::Bool:
    case YamlValue::Type::Integer:
    case YamlValue::Type::Float:
        return node->isScalar() && node->text == value.scalarText();
    case YamlValue::Type::Mapping:
        if (value.entries().empty())
            return node->isMapping() || node->isNull();
        if (!node->isMapping())
            return false;
        for (const auto &[key, child] : value.entries())
            if (!valueMatches(node->find(key), child))
                return false;
        return true;
    case YamlValue::Type::List:
        if (!node->isSequence() || node->items.size() != value.items().size())
            return value.items().empty() && node->isNull();
        for (size_t i = 0; i < node->items.size(); ++i)
            if (!valueMatches(&node->items[i], value.items()[i]))
                return false;
        return true;
    }
    return false;
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
    for (const QChar c : text)
        if (c.category() == QChar::Other_Control)
            return false;
    // Words and numbers YAML would read as something other than a string.
    static const QRegularExpression special(
        QStringLiteral(
            "^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?(?:\\.inf|\\.nan)|[-+]?[0-9][0-9_]*(?:\\."
            "[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\\.[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+)$"),
        QRegularExpression::CaseInsensitiveOption);
    return !special.match(text).hasMatch();
}

QByteArray doubleQuoted(const QString &text)
{
    QByteArray out = "\"";
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c.unicode() < 0x20)
                out += "\\x" + QByteArray::number(c.unicode(), 16).rightJustified(2, '0');
            else
                out += QString(c).toUtf8();
        }
    }
    out += '"';
    return out;
}

bool isEmptyCollection(const YamlValue &value)
{
    return (value.type() == YamlValue::Type::Mapping && value.entries().empty())
        || (value.type() == YamlValue::Type::List && value.items().empty());
}

} // namespace

YamlEditor::YamlEditor(QByteArray text)
    : m_text(std::move(text))
{
    detectStyle();
}

void YamlEditor::detectStyle()
{
    auto document = YamlDocument::parse(m_text);
    if (!document.ok() || !document->root())
        return;
    int unit = 0;
    int indentedVotes = 0;
    int flushVotes = 0;
    std::function<void(const YamlNode &)> visit = [&](const YamlNode &node) {
        if (node.isMapping() && !node.flow) {
            for (const YamlEntry &entry : node.entries) {
                const YamlNode &child = entry.value;
                if (child.isMapping() && !child.flow && !child.entries.empty()) {
                    const int diff
                        = child.entries.front().key.start.column - entry.key.start.column;
                    if (diff > 0 && (unit == 0 || diff < unit))
                        unit = diff;
                }
                if (child.isSequence() && !child.flow && !child.items.empty()) {
                    // the item starts after "- ", so the dash sits two columns earlier
                    const int dashColumn = child.items.front().start.column - 2;
                    (dashColumn > entry.key.start.column ? indentedVotes : flushVotes)++;
                }
                visit(child);
            }
        }
        for (const YamlNode &item : node.items)
            visit(item);
    };
    visit(*document->root());
    if (unit > 0)
        m_style.indentUnit = unit;
    m_style.indentedSequences = indentedVotes >= flushVotes;
}

qsizetype YamlEditor::lineEnd(qsizetype offset) const
{
    const qsizetype nl = m_text.indexOf('\n', offset);
    return nl < 0 ? m_text.size() : nl;
}

qsizetype YamlEditor::lineStart(qsizetype offset) const
{
    if (offset <= 0)
        return 0;
    const qsizetype nl = m_text.lastIndexOf('\n', offset - 1);
    return nl < 0 ? 0 : nl + 1;
}

qsizetype YamlEditor::colonAfter(const YamlNode &key) const
{
    qsizetype pos = key.end.offset;
    while (pos < m_text.size() && (m_text[pos] == ' ' || m_text[pos] == '\t'))
        ++pos;
    return pos < m_text.size() && m_text[pos] == ':' ? pos : -1;
}

void YamlEditor::splice(qsizetype from, qsizetype to, const QByteArray &replacement)
{
    m_text.replace(from, to - from, replacement);
}

QByteArray YamlEditor::renderKey(const QString &key) const
{
    return isPlainSafe(key) ? key.toUtf8() : doubleQuoted(key);
}

QByteArray YamlEditor::renderScalar(const YamlValue &value) const
{
    switch (value.type()) {
    case YamlValue::Type::Null:
        return "null";
    case YamlValue::Type::String:
        return isPlainSafe(value.scalarText()) ? value.scalarText().toUtf8()
                                               : doubleQuoted(value.scalarText());
    default:
        return value.scalarText().toUtf8();
    }
}

QByteArray YamlEditor::renderFlow(const YamlValue &value) const
{
    if (value.isScalar())
        return renderScalar(value);
    QByteArrayList parts;
    if (value.type() == YamlValue::Type::List) {
        for (const YamlValue &item : value.items())
            parts << renderFlow(item);
        return "[" + parts.join(", ") + "]";
    }
    for (const auto &[key, child] : value.entries())
        parts << renderKey(key) + ": " + renderFlow(child);
    return "{" + parts.join(", ") + "}";
}

QByteArray YamlEditor::renderBlockBody(const YamlValue &value, int indent) const
{
    const QByteArray pad(indent, ' ');
    QByteArrayList lines;
    if (value.type() == YamlValue::Type::Mapping) {
        for (const auto &[key, child] : value.entries())
            lines << renderEntry(key, child, indent);
        return lines.join('\n');
    }
    for (const YamlValue &item : value.items()) {
        if (item.isScalar() || isEmptyCollection(item)) {
            lines << pad + "- " + renderFlow(item);
        } else if (item.type() == YamlValue::Type::Mapping) {
            // "- first: x" then the other keys aligned under "first"
            QByteArray body = renderBlockBody(item, indent + 2);
            body.replace(0, indent + 2, QByteArray(pad + "- "));
            lines << body;
        } else {
            lines << pad + "- " + renderFlow(item);
        }
    }
    return lines.join('\n');
}

QByteArray YamlEditor::renderEntry(const QString &key, const YamlValue &value, int indent) const
{
    const QByteArray head = QByteArray(indent, ' ') + renderKey(key) + ":";
    if (value.isScalar() || isEmptyCollection(value))
        return head + " " + renderFlow(value);
    int childIndent = indent + m_style.indentUnit;
    if (value.type() == YamlValue::Type::List && !m_style.indentedSequences)
        childIndent = indent;
    return head + "\n" + renderBlockBody(value, childIndent);
}

Result<QByteArray> YamlEditor::renderDocument(const YamlValue &mapping)
{
    if (mapping.type() != YamlValue::Type::Mapping)
        return editError(QStringLiteral("Only a mapping can be written at the top of the file."));
    const YamlEditor editor(QByteArray {});
    QByteArray text;
    for (const auto &[key, value] : mapping.entries())
        text += editor.renderEntry(key, value, 0) + '\n';
    auto check = YamlDocument::parse(text);
    if (!check.ok() || !valueMatches(check->root(), mapping))
        return editError(QStringLiteral("The document did not render to the intended value."));
    return text;
}

Result<void> YamlEditor::set(const QStringList &path, const YamlValue &value)
{
    const QByteArray before = m_text;
    Result<void> result = setUnchecked(path, value);
    if (result.ok()) {
        auto check = YamlDocument::parse(m_text);
        if (!check.ok())
            result = editError(QStringLiteral("Writing `%1` would make the YAML invalid (%2).")
                                   .arg(path.join(QLatin1Char('.')), check.error().message));
        else if (!valueMatches(path.isEmpty() ? check->root() : check->at(path), value))
            result = editError(QStringLiteral("Writing `%1` did not produce the intended value.")
                                   .arg(path.join(QLatin1Char('.'))));
    }
    if (!result.ok())
        m_text = before;
    return result;
}

Result<void> YamlEditor::setUnchecked(const QStringList &path, const YamlValue &value)
{
    auto parsed = YamlDocument::parse(m_text);
    if (!parsed.ok())
        return parsed.error();
    const YamlDocument &document = *parsed;

    if (path.isEmpty()) {
        if (value.type() != YamlValue::Type::Mapping)
            return editError(
                QStringLiteral("Only a mapping can be written at the top of the file."));
        for (const auto &[key, child] : value.entries()) {
            if (Result<void> r = setUnchecked({key}, child); !r.ok())
                return r;
        }
        return {};
    }

    // Walk down as far as the path exists.
    const YamlNode *parent = document.root();
    const YamlNode *parentKey = nullptr;
    int depth = 0;
    while (depth < path.size() && parent && parent->isMapping()) {
        const YamlEntry *entry = parent->findEntry(path[depth]);
        if (!entry)
            break;
        if (depth == path.size() - 1) {
            // The target exists.
            const YamlNode &existing = entry->value;
            if (value.type() == YamlValue::Type::Mapping && !value.entries().empty()
                && existing.isMapping()) {
                for (const auto &[key, child] : value.entries()) {
                    if (Result<void> r = setUnchecked(path + QStringList {key}, child); !r.ok())
                        return r;
                }
                return {};
            }
            return replaceValue(entry->key, existing, value);
        }
        parentKey = &entry->key;
        parent = &entry->value;
        ++depth;
    }

    // path[depth] is missing under `parent`: insert it with the rest of the path
    // wrapped around the value.
    YamlValue wrapped = value;
    for (qsizetype i = path.size() - 1; i > depth; --i)
        wrapped = YamlValue::mapping().insert(path[i], wrapped);
    return insertEntry(parentKey, parent, path[depth], wrapped);
}

Result<void> YamlEditor::replaceValue(const YamlNode &key, const YamlNode &value,
                                      const YamlValue &replacement)
{
    const qsizetype colon = colonAfter(key);
    if (colon < 0)
        return editError(QStringLiteral("Cannot find the `:` after key `%1`.").arg(key.text));
    const int keyIndent = key.start.column - 1;

    if (replacement.isScalar()) {
        if (value.isScalar() && !value.empty && value.scalarStyle != YamlNode::ScalarStyle::Literal
            && value.scalarStyle != YamlNode::ScalarStyle::Folded) {
            QByteArray text = renderScalar(replacement);
            // Keep the person's quoting when the new text allows it.
            if (replacement.type() == YamlValue::Type::String
                && value.scalarStyle == YamlNode::ScalarStyle::SingleQuoted
                && !replacement.scalarText().contains(QLatin1Char('\''))
                && !replacement.scalarText().contains(QLatin1Char('\n')))
                text = "'" + replacement.scalarText().toUtf8() + "'";
            else if (replacement.type() == YamlValue::Type::String
                     && value.scalarStyle == YamlNode::ScalarStyle::DoubleQuoted)
                text = doubleQuoted(replacement.scalarText());
            splice(value.start.offset, value.end.offset, text);
            return {};
        }
        const qsizetype end = value.empty ? colon + 1 : value.end.offset;
        splice(colon + 1, end, " " + renderScalar(replacement));
        return {};
    }

    const qsizetype end = value.empty ? colon + 1 : value.end.offset;
    if (isEmptyCollection(replacement) || value.flow) {
        splice(colon + 1, end, " " + renderFlow(replacement));
        return {};
    }
    int childIndent = keyIndent + m_style.indentUnit;
    if (replacement.type() == YamlValue::Type::List && !m_style.indentedSequences)
        childIndent = keyIndent;
    splice(colon + 1, end, "\n" + renderBlockBody(replacement, childIndent));
    return {};
}

Result<void> YamlEditor::insertEntry(const YamlNode *parentKey, const YamlNode *parent,
                                     const QString &key, const YamlValue &value)
{
    // No document yet (empty file or only comments): append at the top level.
    if (!parent) {
        QByteArray text = renderEntry(key, value, 0) + "\n";
        if (!m_text.isEmpty() && !m_text.endsWith('\n'))
            text.prepend('\n');
        m_text += text;
        return {};
    }

    if (parent->isMapping() && !parent->flow && !parent->entries.empty()) {
        const int indent = parent->entries.front().key.start.column - 1;
        const QByteArray entry = renderEntry(key, value, indent);
        const qsizetype end = parent->end.offset;
        if (end > 0 && m_text[end - 1] == '\n') {
            // the last value (a block scalar) already ends its line
            splice(end, end, entry + "\n");
        } else {
            // after the last value's line, keeping its trailing comment on it
            const qsizetype pos = lineEnd(end);
            splice(pos, pos, "\n" + entry);
        }
        return {};
    }

    if (parent->isMapping() && parent->flow && !parent->entries.empty()) {
        const qsizetype close = m_text.lastIndexOf('}', parent->end.offset - 1);
        if (close < parent->start.offset)
            return editError(
                QStringLiteral("Cannot find the end of the mapping that should hold `%1`.")
                    .arg(key));
        // after the last entry, before any space or newline that precedes the brace
        qsizetype pos = parent->entries.back().value.end.offset;
        splice(pos, pos, ", " + renderKey(key) + ": " + renderFlow(value));
        return {};
    }

    const bool replaceable = (parent->isMapping() && parent->entries.empty()) || parent->isNull();
    if (!replaceable)
        return editError(
            QStringLiteral("Cannot add `%1` under a value that is not a mapping.").arg(key));

    if (!parentKey) {
        // The whole document is `{}` or null: replace it with a block mapping.
        const qsizetype from = parent->start.offset;
        const qsizetype to = parent->empty ? from : parent->end.offset;
        splice(from, to, renderEntry(key, value, 0));
        if (!m_text.endsWith('\n'))
            m_text += '\n';
        return {};
    }
    const qsizetype colon = colonAfter(*parentKey);
    if (colon < 0)
        return editError(
            QStringLiteral("Cannot find the `:` after key `%1`.").arg(parentKey->text));
    const qsizetype end = parent->empty ? colon + 1 : parent->end.offset;
    const int indent = parentKey->start.column - 1 + m_style.indentUnit;
    splice(colon + 1, end, "\n" + renderEntry(key, value, indent));
    return {};
}

Result<void> YamlEditor::remove(const QStringList &path)
{
    if (path.isEmpty())
        return editError(QStringLiteral("Cannot remove the whole document."));
    auto parsed = YamlDocument::parse(m_text);
    if (!parsed.ok())
        return parsed.error();
    const QStringList parentPath = path.mid(0, path.size() - 1);
    const YamlNode *parent = parentPath.isEmpty() ? parsed->root() : parsed->at(parentPath);
    if (!parent || !parent->isMapping())
        return {};
    const YamlEntry *entry = parent->findEntry(path.back());
    if (!entry)
        return {};

    const QByteArray before = m_text;
    if (parent->flow) {
        // "a: 1, b: 2": drop the entry and one neighbouring comma
        qsizetype from = entry->key.start.offset;
        qsizetype to = entry->value.empty ? colonAfter(entry->key) + 1 : entry->value.end.offset;
        const qsizetype comma = m_text.indexOf(',', to);
        const qsizetype close = m_text.indexOf('}', to);
        if (comma >= 0 && (close < 0 || comma < close)) {
            to = comma + 1;
            while (to < m_text.size() && m_text[to] == ' ')
                ++to;
        } else {
            const qsizetype prev = m_text.lastIndexOf(',', from);
            if (prev > parent->start.offset)
                from = prev;
        }
        splice(from, to, {});
    } else if (parent->entries.size() == 1 && !parentPath.isEmpty()) {
        // The last entry of a nested mapping: leave an explicit empty mapping.
        const YamlEntry *parentEntry = parentPath.size() == 1
            ? parsed->root()->findEntry(parentPath.back())
            : parsed->at(parentPath.mid(0, parentPath.size() - 1))->findEntry(parentPath.back());
        if (Result<void> r = replaceValue(parentEntry->key, *parent, YamlValue::mapping()); !r.ok())
            return r;
    } else {
        const qsizetype from = lineStart(entry->key.start.offset);
        const qsizetype end
            = entry->value.empty ? colonAfter(entry->key) + 1 : entry->value.end.offset;
        qsizetype to = (end > 0 && m_text[end - 1] == '\n') ? end : lineEnd(end) + 1;
        splice(from, qMin(to, m_text.size()), {});
    }

    auto check = YamlDocument::parse(m_text);
    if (!check.ok() || (check->root() && check->at(path))) {
        m_text = before;
        return editError(QStringLiteral("Removing `%1` would damage the file.")
                             .arg(path.join(QLatin1Char('.'))));
    }
    return {};
}

} // namespace ktx
