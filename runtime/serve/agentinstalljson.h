#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace ktx {

// Edits one key of an agent client's JSON config (`.mcp.json`,
// `.cursor/mcp.json`, `~/.claude.json`) as a splice into the original text:
// every other byte, key order and indentation stays as the user (or the
// client) left it. Only when a splice would not round-trip (checked by parsing
// the result) is the document re-serialized, indented, by QJsonDocument.
// An empty or whitespace-only text counts as `{}`; anything else that does not
// parse as a JSON object is an error naming the file, line and column.
class AgentInstallJson
{
public:
    static Result<QJsonObject> parse(const QByteArray &text, const QString &fileName);

    // The value at `path` (object keys), or undefined.
    static QJsonValue valueAt(const QJsonObject &root, const QStringList &path);

    // `text` with `path` set to `value`; missing objects on the way are created.
    // Byte-identical when the value there is already equal.
    static Result<QByteArray> set(const QByteArray &text, const QStringList &path,
                                  const QJsonValue &value, const QString &fileName);

    // `text` without the key at `path`; unchanged when it is not there. Objects
    // on the path at index >= keepDepth that end up empty go too (ktx created
    // them); keepDepth = path.size() - 1 removes only the key.
    static Result<QByteArray> remove(const QByteArray &text, const QStringList &path, int keepDepth,
                                     const QString &fileName);

    // The index of the first key on `path` that `root` does not have yet
    // (path.size() when the whole path exists).
    static int firstMissing(const QJsonObject &root, const QStringList &path);

    // `value` as indented JSON text, keys of objects in ktx's order (type, url,
    // headers first), each nested line prefixed with `indent` + `unit`s.
    static QByteArray serialize(const QJsonValue &value, const QByteArray &indent = {},
                                const QByteArray &unit = "  ");
};

} // namespace ktx
