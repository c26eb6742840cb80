#include "tools/toolset.h"

#include "tools/jsonschemacheck.h"

namespace ktx {

void ToolSet::add(AgentTool tool)
{
    for (AgentTool &existing : m_tools) {
        if (existing.name == tool.name) {
            existing = std::move(tool);
            return;
        }
    }
    m_tools.append(std::move(tool));
}

bool ToolSet::contains(const QString &name) const
{
    return find(name) != nullptr;
}

const AgentTool *ToolSet::find(const QString &name) const
{
    for (const AgentTool &tool : m_tools) {
        if (tool.name == name)
            return &tool;
    }
    return nullptr;
}

QStringList ToolSet::names() const
{
    QStringList out;
    for (const AgentTool &tool : m_tools)
        out << tool.name;
    return out;
}

ToolOutput ToolSet::call(const QString &name, const QJsonObject &arguments,
                         const CancellationToken &cancel) const
{
    const AgentTool *tool = find(name);
    if (!tool) {
        return ToolOutput::failure(QStringLiteral("Unknown tool \"%1\". Available tools: %2.")
                                       .arg(name, names().join(QLatin1String(", "))));
    }
    const QStringList problems = JsonSchemaCheck::problems(tool->inputSchema, arguments);
    if (!problems.isEmpty()) {
        return ToolOutput::failure(
            QStringLiteral(
                "Invalid arguments for %1:\n- %2\nFix the arguments and call the tool again.")
                .arg(name, problems.join(QLatin1String("\n- "))));
    }
    if (cancel.isCancelled())
        return ToolOutput::failure(
            QStringLiteral("The run was cancelled before %1 ran.").arg(name));
    if (!tool->execute)
        return ToolOutput::failure(QStringLiteral("Tool %1 has no implementation.").arg(name));

    ToolOutput out = tool->execute(arguments, cancel);
    if (m_maxOutputChars > 0 && out.text.size() > m_maxOutputChars) {
        const qsizetype total = out.text.size();
        out.text.truncate(m_maxOutputChars);
        out.text += QStringLiteral("\n[output truncated: showing %1 of %2 characters; narrow the "
                                   "request to see the rest]")
                        .arg(m_maxOutputChars)
                        .arg(total);
    }
    return out;
}

} // namespace ktx
