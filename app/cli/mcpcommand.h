#pragma once

#include <QStringList>

namespace ktx {

class CliContext;

// `ktx mcp`: the MCP server agents use to read the project's context.
//   ktx mcp [status]                    is the daemon running, where, since when
//   ktx mcp start [--host H] [--port P] [--token T] [--foreground]
//                 [--allowed-host H]... [--allowed-origin O]...
//   ktx mcp stop                        SIGTERM the daemon, wait, clean up
//   ktx mcp logs [--follow]             .ktx/logs/mcp.log
//   ktx mcp stdio                       one session on stdin/stdout
// The detached daemon is this binary re-run as `ktx mcp serve-internal`
// (hidden) in its own session, logging to .ktx/logs/mcp.log; its state is
// .ktx/mcp.json (pid, host, port, url, projectDir, startedAt, tokenAuth; never
// the token).
class McpCommand
{
public:
    static int run(CliContext &context, const QStringList &args);
};

} // namespace ktx
