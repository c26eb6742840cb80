#pragma once

#include "core/result.h"
#include "project/yamlvalue.h"

#include <QByteArray>
#include <QStringList>

namespace ktx {

struct YamlNode;

// Edits a YAML text the way a person would: only the bytes of the changed part
// move. Comments, blank lines, quoting and key order of everything else stay
// byte-for-byte; new entries take the file's own indentation and sequence style.
// Every edit is checked by re-parsing; an edit that would not produce exactly the
// intended value is refused and leaves the text unchanged.
class YamlEditor
{
public:
    explicit YamlEditor(QByteArray text);

    // Sets the value at a key path, creating missing mappings on the way. A mapping
    // value is merged key by key into an existing mapping (its other keys stay).
    Result<void> set(const QStringList &path, const YamlValue &value);
    // Removes the entry at a key path; removing a missing key is not an error.
    Result<void> remove(const QStringList &path);

    const QByteArray &text() const { return m_text; }

    // A new document from a mapping, in the default style, rendered in one pass
    // and verified by one parse (set() on an empty text re-parses per key).
    static Result<QByteArray> renderDocument(const YamlValue &mapping);

private:
    struct Style
    {
        int indentUnit = 2;
        bool indentedSequences = true; // "  - item" under a key rather than "- item"
    };

    Result<void> setUnchecked(const QStringList &path, const YamlValue &value);
    Result<void> replaceValue(const YamlNode &key, const YamlNode &value,
                              const YamlValue &replacement);
    Result<void> insertEntry(const YamlNode *parentKey, const YamlNode *parent, const QString &key,
                             const YamlValue &value);

    QByteArray renderScalar(const YamlValue &value) const;
    QByteArray renderFlow(const YamlValue &value) const;
    // "key: value" lines at `indent`, without a trailing newline.
    QByteArray renderEntry(const QString &key, const YamlValue &value, int indent) const;
    // The lines of a collection's body at `indent`, without a trailing newline.
    QByteArray renderBlockBody(const YamlValue &value, int indent) const;
    QByteArray renderKey(const QString &key) const;

    qsizetype colonAfter(const YamlNode &key) const;
    qsizetype lineEnd(qsizetype offset) const;
    qsizetype lineStart(qsizetype offset) const;
    void splice(qsizetype from, qsizetype to, const QByteArray &replacement);
    void detectStyle();

    QByteArray m_text;
    Style m_style;
};

} // namespace ktx
