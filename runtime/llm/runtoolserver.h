#pragma once

#include "core/result.h"
#include "tools/toolset.h"

#include <QString>

#include <memory>

namespace ktx {

// The temporary MCP server of one agent-CLI run: Streamable HTTP on 127.0.0.1,
// a random port, a random bearer token, exactly the run's tools, tool calls
// auto-approved by the client config. It runs on a thread of its own so tool
// calls are answered whatever the caller's thread is doing; it stops when
// destroyed.
class RunToolServer
{
public:
    static Result<std::unique_ptr<RunToolServer>> start(const ToolSet &tools);
    ~RunToolServer();

    QString url() const; // http://127.0.0.1:<port>/mcp
    QString token() const;

    class Private;

private:
    explicit RunToolServer(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace ktx
