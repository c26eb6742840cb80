#pragma once

#include "sources/contextsource.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// One LookML entry: `key: value`, `key: "string"`, `key: [a, b]`,
// `key: value ;;` (SQL/HTML, raw up to `;;`) or a block `key: name { ... }`.
struct LookmlNode
{
    enum class Kind { Value, List, Block };

    Kind kind = Kind::Value;
    QString key;
    QString name; // block name (`view: +orders` keeps the `+`); empty for `key: { ... }`
    QString value; // Value: the text, unquoted; SQL values trimmed, without `;;`
    bool quoted = false;
    bool raw = false; // a `;;`-terminated value
    QStringList items; // List: items as written, unquoted (`a: "b"` pairs as `a: b`)
    QList<LookmlNode> children; // Block
    int line = 0; // 1-based, of the key
    int column = 0;

    const LookmlNode *child(const QString &key) const; // first
    QList<const LookmlNode *> childrenNamed(const QString &key) const;
    QString text(const QString &key) const; // value of the first such child, or empty
    bool yes(const QString &key) const; // `key: yes`
};

// A LookML lexer and recursive-descent parser. Errors carry file:line:column
// and parsing goes on after them, so one typo does not hide a whole file.
class LookmlParser
{
public:
    struct Parsed
    {
        LookmlNode root; // a Block with the file's top-level entries
        QList<SourceFileIssue> errors;
    };

    static Parsed parse(const QByteArray &text, const QString &path = {});
    // Keys whose value runs raw up to `;;`.
    static bool isRawKey(const QString &key);
};

} // namespace ktx
