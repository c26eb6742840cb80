#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace ktx {

// Adds, replaces or removes one table (e.g. `[mcp_servers.ktx]`, with its
// dotted sub-tables) in a TOML file such as Codex's `config.toml`, line by
// line: every other line, comment and blank stays byte for byte. Blank and
// comment lines right before the next header belong to what follows. A file
// that defines the table in a form this cannot edit (inline table, dotted keys
// under `[mcp_servers]`) is an error naming the line.
class AgentInstallToml
{
public:
    // `text` with `table` set to `body` (key lines, each ending in a newline).
    // Byte-identical when the table already reads exactly so.
    static Result<QByteArray> setTable(const QByteArray &text, const QString &table,
                                       const QByteArray &body, const QString &fileName);
    // `text` without `table`; unchanged when it is not there.
    static Result<QByteArray> removeTable(const QByteArray &text, const QString &table,
                                          const QString &fileName);
    // The table's lines (header included) as they stand in `text`; empty when absent.
    static QByteArray tableText(const QByteArray &text, const QString &table);
};

} // namespace ktx
