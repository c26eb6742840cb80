#include "serve/mcpsession.h"

namespace ktx {

McpSession::McpSession(QObject *parent)
    : QObject(parent)
{ }

McpSession::~McpSession()
{
    cancelAll();
}

void McpSession::cancelAll()
{
    for (CancellationToken &token : m_inFlight)
        token.cancel();
}

} // namespace ktx
