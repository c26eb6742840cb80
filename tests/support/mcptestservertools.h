#pragma once

#include "tools/toolset.h"

namespace ktx {

// The tool set ktx_test_mcp_server serves, shared with the in-process MCP
// tests and the round-trip benchmark:
//   echo {text}            -> the text back (read-only, idempotent)
//   add {a, b}             -> the sum as text
//   stats {values[]}       -> {count, sum, mean} as structuredContent (has an outputSchema)
//   slow {ms}              -> sleeps in 5 ms steps, stops early when cancelled
//   fail {message?}        -> always a tool error (isError)
//   huge {chars}           -> that many characters (cut by ToolSet's output cap)
class McpTestServerTools
{
public:
    static ToolSet create();
};

} // namespace ktx
