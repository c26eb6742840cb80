#pragma once

#include <QByteArray>
#include <QString>

namespace ktx {

// The instruction files `ktx setup --agents` writes: the analytics skill
// (`ktx-analytics`), the CLI admin skill (`ktx`) and the short rule, each in
// the wrapper a client reads (SKILL.md front matter, Cursor `.mdc`, OpenCode
// command). Bodies live in resources/agents/ (compiled in under
// :/ktx/agents/); placeholders name the absolute CLI path, the project and the
// endpoint, so rules keep working from any directory.
class AgentIntegrationTexts
{
public:
    enum class Text { Analytics, Admin, Rule };
    enum class Format { Skill, CursorRule, OpenCodeCommand, Markdown };

    struct Context
    {
        QString ktxCommand; // absolute path of the ktx CLI
        QString projectDir;
        QString url;
    };

    static QByteArray render(Text text, Format format, const Context &context);
};

} // namespace ktx
