#pragma once

#include "tools/agenttool.h"

#include <QList>

namespace ktx {

// The tools one run (or one server) exposes, looked up by name. Calling through
// the set validates arguments against the tool's schema first and caps the size
// of what goes back to a model, so every caller gets the same safety.
class ToolSet
{
public:
    // Tool outputs longer than this are cut, with a notice the model can read.
    static constexpr qsizetype DefaultMaxOutputChars = 100'000;

    void add(AgentTool tool);
    bool contains(const QString &name) const;
    const AgentTool *find(const QString &name) const;
    const QList<AgentTool> &tools() const { return m_tools; }
    QStringList names() const;
    bool isEmpty() const { return m_tools.isEmpty(); }

    void setMaxOutputChars(qsizetype chars) { m_maxOutputChars = chars; }

    // Validates, executes, truncates. Unknown tools and invalid arguments come
    // back as failed outputs naming what was wrong, never as a crash.
    ToolOutput call(const QString &name, const QJsonObject &arguments,
                    const CancellationToken &cancel) const;

private:
    QList<AgentTool> m_tools;
    qsizetype m_maxOutputChars = DefaultMaxOutputChars;
};

} // namespace ktx
