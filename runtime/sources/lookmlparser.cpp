#include "sources/lookmlparser.h"

namespace ktx {

const LookmlNode *LookmlNode::child(const QString &k) const
{
    for (const LookmlNode &c : children)
        if (c.key == k)
            return &c;
    return nullptr;
}

QList<const LookmlNode *> LookmlNode::childrenNamed(const QString &k) const
{
    QList<const LookmlNode *> out;
    for (const LookmlNode &c : children)
        if (c.key == k)
            out << &c;
    return out;
}

QString LookmlNode::text(const QString &k) const
{
    const LookmlNode *c = child(k);
    return c && c->kind == Kind::Value ? c->value : QString();
}

bool LookmlNode::yes(const QString &k) const
{
    return text(k).compare(QLatin1String("yes"), Qt::CaseInsensitive) == 0;
}

bool LookmlParser::isRawKey(const QString &key)
{
    // sql, sql_on, sql_table_name, sql_trigger_value, sql_distinct_key, html,
    // expression (custom fields), ... all end with `;;`.
    return key.startsWith(QLatin1String("sql")) || key == QLatin1String("html")
        || key == QLatin1String("expression") || key.endsWith(QLatin1String("_sql"));
}

namespace {

class Reader
{
public:
    Reader(const QString &text, const QString &path, QList<SourceFileIssue> *errors)
        : m_text(text)
        , m_path(path)
        , m_errors(errors)
    { }

    // Entries up to `}` (nested) or the end of the text (top level).
    void parseBody(LookmlNode &block, bool nested, int openLine, int openColumn)
    {
        for (;;) {
            skipSpace();
            if (atEnd()) {
                // After a value ran to the end, its enclosing blocks are not news.
                if (nested && !m_ranToEnd)
                    error(openLine, openColumn,
                          QStringLiteral("'%1' block is not closed with '}'")
                              .arg(block.key
                                   + (block.name.isEmpty() ? QString()
                                                           : QStringLiteral(": ") + block.name)));
                return;
            }
            const QChar c = peek();
            if (c == QLatin1Char('}')) {
                if (nested) {
                    advance();
                    return;
                }
                error(m_line, m_column, QStringLiteral("unexpected '}' with no open block"));
                advance();
                continue;
            }
            const int line = m_line, column = m_column;
            const QString key = bareword();
            if (key.isEmpty()) {
                error(line, column, QStringLiteral("unexpected '%1'; expected a key").arg(c));
                skipLine();
                continue;
            }
            skipSpace();
            if (atEnd() || peek() != QLatin1Char(':')) {
                error(m_line, m_column, QStringLiteral("expected ':' after '%1'").arg(key));
                skipStatement();
                continue;
            }
            advance();
            LookmlNode node;
            node.key = key;
            node.line = line;
            node.column = column;
            if (parseValue(node))
                block.children.append(std::move(node));
        }
    }

private:
    bool parseValue(LookmlNode &node)
    {
        if (LookmlParser::isRawKey(node.key)) {
            const qsizetype end = m_text.indexOf(QLatin1String(";;"), m_pos);
            if (end < 0) {
                error(node.line, node.column,
                      QStringLiteral("'%1' value is not terminated with ';;'").arg(node.key));
                while (!atEnd())
                    advance();
                m_ranToEnd = true;
                return false;
            }
            node.raw = true;
            node.value = m_text.mid(m_pos, end - m_pos).trimmed();
            while (m_pos < end + 2)
                advance();
            return true;
        }
        skipSpace();
        if (atEnd()) {
            error(node.line, node.column, QStringLiteral("'%1' has no value").arg(node.key));
            return false;
        }
        const QChar c = peek();
        if (c == QLatin1Char('{')) {
            const int line = m_line, column = m_column;
            advance();
            node.kind = LookmlNode::Kind::Block;
            parseBody(node, true, line, column);
            return true;
        }
        if (c == QLatin1Char('[')) {
            advance();
            node.kind = LookmlNode::Kind::List;
            return parseList(node);
        }
        if (c == QLatin1Char('"')) {
            node.value = string();
            node.quoted = true;
            return true;
        }
        const QString word = bareword();
        if (word.isEmpty()) {
            error(m_line, m_column,
                  QStringLiteral("unexpected '%1' after '%2:'").arg(c).arg(node.key));
            skipLine();
            return false;
        }
        skipSpace();
        if (!atEnd() && peek() == QLatin1Char('{')) {
            const int line = m_line, column = m_column;
            advance();
            node.kind = LookmlNode::Kind::Block;
            node.name = word;
            parseBody(node, true, line, column);
            return true;
        }
        node.value = word;
        return true;
    }

    bool parseList(LookmlNode &node)
    {
        for (;;) {
            skipSpace();
            if (atEnd()) {
                error(node.line, node.column,
                      QStringLiteral("'%1' list is not closed with ']'").arg(node.key));
                return false;
            }
            const QChar c = peek();
            if (c == QLatin1Char(']')) {
                advance();
                return true;
            }
            if (c == QLatin1Char(',')) {
                advance();
                continue;
            }
            QString item = c == QLatin1Char('"') ? string() : bareword();
            if (item.isEmpty() && c != QLatin1Char('"')) {
                error(m_line, m_column, QStringLiteral("unexpected '%1' in list").arg(c));
                advance();
                continue;
            }
            skipSpace();
            // `filters: [orders.status: "complete"]`: a key: value pair.
            if (!atEnd() && peek() == QLatin1Char(':')) {
                advance();
                skipSpace();
                const QString value
                    = !atEnd() && peek() == QLatin1Char('"') ? string() : bareword();
                item += QStringLiteral(": ") + value;
            }
            node.items << item;
        }
    }

    QString string()
    {
        const int line = m_line, column = m_column;
        advance(); // "
        QString out;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == QLatin1Char('"')) {
                advance();
                return out;
            }
            if (c == QLatin1Char('\\') && m_pos + 1 < m_text.size()) {
                advance();
                out += peek();
                advance();
                continue;
            }
            out += c;
            advance();
        }
        error(line, column, QStringLiteral("string is not closed with '\"'"));
        return out;
    }

    QString bareword()
    {
        QString out;
        while (!atEnd()) {
            const QChar c = peek();
            if (c.isSpace() || c == QLatin1Char(':') || c == QLatin1Char('{')
                || c == QLatin1Char('}') || c == QLatin1Char('[') || c == QLatin1Char(']')
                || c == QLatin1Char(',') || c == QLatin1Char('"') || c == QLatin1Char('#')
                || c == QLatin1Char(';'))
                break;
            out += c;
            advance();
        }
        return out;
    }

    void skipSpace()
    {
        while (!atEnd()) {
            const QChar c = peek();
            if (c == QLatin1Char('#')) {
                skipLine();
            } else if (c.isSpace()) {
                advance();
            } else {
                return;
            }
        }
    }

    // Skips the rest of a broken entry, including a `{ ... }` it opens, so one
    // typo does not detach the rest of the block.
    void skipStatement()
    {
        int depth = 0;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == QLatin1Char('\n') && depth == 0)
                return;
            if (c == QLatin1Char('}')) {
                if (depth == 0)
                    return;
                --depth;
            } else if (c == QLatin1Char('{')) {
                ++depth;
            }
            advance();
        }
    }

    void skipLine()
    {
        while (!atEnd() && peek() != QLatin1Char('\n'))
            advance();
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return m_text.at(m_pos); }
    void advance()
    {
        if (m_text.at(m_pos) == QLatin1Char('\n')) {
            ++m_line;
            m_column = 1;
        } else {
            ++m_column;
        }
        ++m_pos;
    }

    void error(int line, int column, const QString &message)
    {
        m_errors->append({m_path, line, column, message});
    }

    QString m_text;
    QString m_path;
    QList<SourceFileIssue> *m_errors;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_column = 1;
    bool m_ranToEnd = false;
};

} // namespace

LookmlParser::Parsed LookmlParser::parse(const QByteArray &text, const QString &path)
{
    Parsed parsed;
    parsed.root.kind = LookmlNode::Kind::Block;
    Reader reader(QString::fromUtf8(text), path, &parsed.errors);
    reader.parseBody(parsed.root, false, 1, 1);
    return parsed;
}

} // namespace ktx
