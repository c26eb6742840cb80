#include "llm/chatmodel.h"

namespace ktx {

ChatBlock ChatBlock::textBlock(QString text)
{
    ChatBlock b;
    b.kind = Kind::Text;
    b.text = std::move(text);
    return b;
}

ChatBlock ChatBlock::toolUse(QString id, QString name, QJsonObject input)
{
    ChatBlock b;
    b.kind = Kind::ToolUse;
    b.id = std::move(id);
    b.name = std::move(name);
    b.input = std::move(input);
    return b;
}

ChatBlock ChatBlock::toolResult(QString toolUseId, QString content, bool isError)
{
    ChatBlock b;
    b.kind = Kind::ToolResult;
    b.id = std::move(toolUseId);
    b.text = std::move(content);
    b.isError = isError;
    return b;
}

QString ChatTurn::text() const
{
    QString out;
    for (const ChatBlock &b : blocks) {
        if (b.kind == ChatBlock::Kind::Text)
            out += b.text;
    }
    return out;
}

QList<ChatBlock> ChatTurn::toolUses() const
{
    QList<ChatBlock> out;
    for (const ChatBlock &b : blocks) {
        if (b.kind == ChatBlock::Kind::ToolUse)
            out << b;
    }
    return out;
}

} // namespace ktx
