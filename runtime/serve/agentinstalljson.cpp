#include "serve/agentinstalljson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>

namespace ktx {

namespace {

// Walks JSON text that QJsonDocument already accepted, to find where members
// and values start and end. It never has to report errors.
class Scanner
{
public:
    explicit Scanner(const QByteArray &text)
        : m_t(text)
    { }

    struct Member
    {
        QString key;
        int keyStart = 0;
        int valueStart = 0;
        int valueEnd = 0;
    };
    struct Object
    {
        int open = 0;
        int close = 0;
        QList<Member> members;
    };

    int skipSpace(int p) const
    {
        while (p < m_t.size()
               && (m_t[p] == ' ' || m_t[p] == '\t' || m_t[p] == '\n' || m_t[p] == '\r'))
            ++p;
        return p;
    }

    int skipString(int p) const
    {
        for (++p; p < m_t.size(); ++p) {
            if (m_t[p] == '\\')
                ++p;
            else if (m_t[p] == '"')
                return p + 1;
        }
        return p;
    }

    int skipValue(int p) const
    {
        p = skipSpace(p);
        if (p >= m_t.size())
            return p;
        if (m_t[p] == '"')
            return skipString(p);
        if (m_t[p] == '{' || m_t[p] == '[') {
            int depth = 0;
            while (p < m_t.size()) {
                const char c = m_t[p];
                if (c == '"') {
                    p = skipString(p);
                    continue;
                }
                if (c == '{' || c == '[')
                    ++depth;
                else if ((c == '}' || c == ']') && --depth == 0)
                    return p + 1;
                ++p;
            }
            return p;
        }
        while (p < m_t.size() && !QByteArrayView(",}] \t\r\n").contains(m_t[p]))
            ++p;
        return p;
    }

    Object object(int open) const
    {
        Object o;
        o.open = open;
        int p = skipSpace(open + 1);
        while (p < m_t.size() && m_t[p] != '}') {
            if (m_t[p] == ',') {
                p = skipSpace(p + 1);
                continue;
            }
            Member m;
            m.keyStart = p;
            const int keyEnd = skipString(p);
            m.key = QJsonDocument::fromJson('[' + m_t.mid(p, keyEnd - p) + ']')
                        .array()
                        .at(0)
                        .toString();
            p = skipSpace(skipSpace(keyEnd) + 1); // past ':'
            m.valueStart = p;
            m.valueEnd = skipValue(p);
            o.members.append(m);
            p = skipSpace(m.valueEnd);
        }
        o.close = p;
        return o;
    }

    // The whitespace that starts the line `pos` is on.
    QByteArray lineIndent(int pos) const
    {
        int start = pos;
        while (start > 0 && m_t[start - 1] != '\n')
            --start;
        int end = start;
        while (end < m_t.size() && (m_t[end] == ' ' || m_t[end] == '\t'))
            ++end;
        return m_t.mid(start, end - start);
    }

    // True when `pos` is the first non-blank character of its line.
    bool startsLine(int pos) const
    {
        for (int p = pos - 1; p >= 0 && m_t[p] != '\n'; --p) {
            if (m_t[p] != ' ' && m_t[p] != '\t')
                return false;
        }
        return true;
    }

    // The indentation step the file uses: the smallest non-empty indent of a
    // line that starts with a key or a closing bracket. Two spaces otherwise.
    QByteArray indentUnit() const
    {
        QByteArray best;
        for (const QByteArray &line : m_t.split('\n')) {
            int n = 0;
            while (n < line.size() && (line[n] == ' ' || line[n] == '\t'))
                ++n;
            if (n == 0 || n >= line.size() || !QByteArrayView("\"}]").contains(line[n]))
                continue;
            if (best.isEmpty() || n < best.size())
                best = line.left(n);
        }
        return best.isEmpty() ? QByteArray("  ") : best;
    }

private:
    const QByteArray &m_t;
};

QByteArray compact(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

QByteArray quoted(const QString &key)
{
    return compact(QJsonValue(key));
}

// Keys a reader of an MCP entry looks for first, then the rest alphabetically.
QStringList orderedKeys(const QJsonObject &object)
{
    static const QStringList first
        = {QStringLiteral("type"), QStringLiteral("command"), QStringLiteral("args"),
           QStringLiteral("url"),  QStringLiteral("headers"), QStringLiteral("enabled")};
    QStringList keys = object.keys();
    std::stable_sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) {
        const qsizetype ia = first.indexOf(a);
        const qsizetype ib = first.indexOf(b);
        if (ia >= 0 || ib >= 0)
            return ib < 0 || (ia >= 0 && ia < ib);
        return a < b;
    });
    return keys;
}

QJsonObject setIn(QJsonObject object, const QStringList &path, const QJsonValue &value)
{
    if (path.size() == 1) {
        object.insert(path.first(), value);
        return object;
    }
    object.insert(path.first(), setIn(object.value(path.first()).toObject(), path.mid(1), value));
    return object;
}

QJsonObject removeIn(QJsonObject object, const QStringList &path, int keepDepth)
{
    if (path.size() == 1) {
        object.remove(path.first());
        return object;
    }
    const QJsonObject child
        = removeIn(object.value(path.first()).toObject(), path.mid(1), keepDepth - 1);
    if (keepDepth <= 0 && child.isEmpty())
        object.remove(path.first());
    else
        object.insert(path.first(), child);
    return object;
}

QByteArray fallback(const QJsonObject &expected)
{
    return QJsonDocument(expected).toJson(QJsonDocument::Indented);
}

bool isBlank(const QByteArray &text)
{
    return text.trimmed().isEmpty();
}

} // namespace

Result<QJsonObject> AgentInstallJson::parse(const QByteArray &text, const QString &fileName)
{
    if (isBlank(text))
        return QJsonObject();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        const int offset = error.error != QJsonParseError::NoError ? error.offset : 0;
        const QByteArray before = text.left(offset);
        const int line = int(before.count('\n')) + 1;
        const int column = int(offset - (before.lastIndexOf('\n') + 1)) + 1;
        Error e = makeError(
            QStringLiteral("agent_config_invalid"),
            error.error != QJsonParseError::NoError
                ? QStringLiteral("%1 is not valid JSON (line %2: %3); nothing was written.")
                      .arg(fileName)
                      .arg(line)
                      .arg(error.errorString())
                : QStringLiteral("%1 does not hold a JSON object; nothing was written.")
                      .arg(fileName),
            QStringLiteral("Fix or move the file, then run the command again."));
        e.file = fileName;
        e.line = line;
        e.column = column;
        return e;
    }
    return document.object();
}

int AgentInstallJson::firstMissing(const QJsonObject &root, const QStringList &path)
{
    QJsonValue current = root;
    for (int i = 0; i < path.size(); ++i) {
        current = current.toObject().value(path[i]);
        if (current.isUndefined())
            return i;
    }
    return int(path.size());
}

QJsonValue AgentInstallJson::valueAt(const QJsonObject &root, const QStringList &path)
{
    QJsonValue current = root;
    for (const QString &key : path) {
        if (!current.isObject())
            return QJsonValue(QJsonValue::Undefined);
        current = current.toObject().value(key);
    }
    return current;
}

Result<QByteArray> AgentInstallJson::set(const QByteArray &text, const QStringList &path,
                                         const QJsonValue &value, const QString &fileName)
{
    Result<QJsonObject> root = parse(text, fileName);
    if (!root.ok())
        return root.error();
    if (path.isEmpty())
        return makeError(QStringLiteral("internal"), QStringLiteral("Empty JSON path."));
    if (valueAt(*root, path) == value)
        return text;
    // Every object on the way must be an object (or missing); never replace a user's value.
    QJsonValue at = *root;
    for (int i = 0; i + 1 < path.size(); ++i) {
        at = at.toObject().value(path[i]);
        if (at.isUndefined())
            break;
        if (!at.isObject())
            return makeError(QStringLiteral("agent_config_invalid"),
                             QStringLiteral("%1: \"%2\" is not a JSON object; nothing was written.")
                                 .arg(fileName, path.mid(0, i + 1).join(QLatin1Char('.'))),
                             QStringLiteral("Fix the file, then run the command again."));
    }
    const QJsonObject expected = setIn(*root, path, value);
    if (isBlank(text))
        return QByteArray(serialize(expected) + '\n');

    const Scanner scan(text);
    const QByteArray unit = scan.indentUnit();
    int open = scan.skipSpace(0);
    QByteArray result;
    for (int i = 0; i < path.size(); ++i) {
        const Scanner::Object object = scan.object(open);
        const auto found = std::find_if(object.members.crbegin(), object.members.crend(),
                                        [&](const Scanner::Member &m) { return m.key == path[i]; });
        if (found != object.members.crend() && i + 1 < path.size()) {
            open = found->valueStart;
            continue;
        }
        if (found != object.members.crend()) {
            const bool ownLine = scan.startsLine(found->keyStart);
            const QByteArray replacement = ownLine
                ? serialize(value, scan.lineIndent(found->keyStart), unit)
                : compact(value);
            result = text.left(found->valueStart) + replacement + text.mid(found->valueEnd);
            break;
        }
        QJsonValue nested = value;
        for (int j = int(path.size()) - 1; j > i; --j)
            nested = QJsonObject {{path[j], nested}};
        if (object.members.isEmpty()) {
            const QByteArray base = scan.lineIndent(object.open);
            const QByteArray indent = base + unit;
            result = text.left(object.open + 1) + '\n' + indent + quoted(path[i]) + ": "
                + serialize(nested, indent, unit) + '\n' + base + text.mid(object.close);
        } else {
            const Scanner::Member &last = object.members.constLast();
            const QByteArray indent = scan.lineIndent(last.keyStart);
            const QByteArray insert = scan.startsLine(last.keyStart)
                ? QByteArray(",\n" + indent + quoted(path[i]) + ": "
                             + serialize(nested, indent, unit))
                : QByteArray(", " + quoted(path[i]) + ": " + compact(nested));
            result = text.left(last.valueEnd) + insert + text.mid(last.valueEnd);
        }
        break;
    }
    // A splice that does not say exactly what we meant is not worth keeping.
    const QJsonDocument check = QJsonDocument::fromJson(result);
    if (!check.isObject() || check.object() != expected)
        return fallback(expected);
    return result;
}

Result<QByteArray> AgentInstallJson::remove(const QByteArray &text, const QStringList &path,
                                            int keepDepth, const QString &fileName)
{
    Result<QJsonObject> root = parse(text, fileName);
    if (!root.ok())
        return root.error();
    if (path.isEmpty() || valueAt(*root, path).isUndefined())
        return text;
    const QJsonObject expected = removeIn(*root, path, keepDepth);

    QByteArray result = text;
    // Remove the leaf, then (pruning) each parent left empty, deepest first.
    for (int depth = int(path.size()); depth >= 1; --depth) {
        if (depth < path.size() && depth - 1 < keepDepth)
            break;
        const Scanner scan(result);
        int open = scan.skipSpace(0);
        Scanner::Object object;
        int index = -1;
        for (int i = 0; i < depth; ++i) {
            object = scan.object(open);
            index = -1;
            for (int m = int(object.members.size()) - 1; m >= 0; --m) {
                if (object.members[m].key == path[i]) {
                    index = m;
                    break;
                }
            }
            if (index < 0)
                break;
            open = object.members[index].valueStart;
        }
        if (index < 0)
            break;
        if (depth < path.size() && !scan.object(open).members.isEmpty())
            break; // the parent still holds something: it stays
        const Scanner::Member &m = object.members[index];
        if (object.members.size() == 1)
            result = result.left(object.open + 1) + result.mid(object.close);
        else if (index > 0)
            result = result.left(object.members[index - 1].valueEnd) + result.mid(m.valueEnd);
        else
            result = result.left(m.keyStart) + result.mid(object.members[1].keyStart);
    }
    const QJsonDocument check = QJsonDocument::fromJson(result);
    if (!check.isObject() || check.object() != expected)
        return fallback(expected);
    return result;
}

QByteArray AgentInstallJson::serialize(const QJsonValue &value, const QByteArray &indent,
                                       const QByteArray &unit)
{
    const QByteArray inner = indent + unit;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (object.isEmpty())
            return "{}";
        QByteArrayList parts;
        for (const QString &key : orderedKeys(object))
            parts << inner + quoted(key) + ": " + serialize(object.value(key), inner, unit);
        return "{\n" + parts.join(",\n") + '\n' + indent + '}';
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        if (array.isEmpty())
            return "[]";
        QByteArrayList parts;
        for (const QJsonValue &item : array)
            parts << inner + serialize(item, inner, unit);
        return "[\n" + parts.join(",\n") + '\n' + indent + ']';
    }
    return compact(value);
}

} // namespace ktx
