#include "mcptestservertools.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>

namespace ktx {

namespace {

QJsonObject objectSchema(const QJsonObject &properties, const QStringList &required)
{
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"), properties},
            {QStringLiteral("required"), QJsonArray::fromStringList(required)},
            {QStringLiteral("additionalProperties"), false}};
}

QJsonObject typed(const char *type, const char *description)
{
    return {{QStringLiteral("type"), QLatin1String(type)},
            {QStringLiteral("description"), QLatin1String(description)}};
}

} // namespace

ToolSet McpTestServerTools::create()
{
    ToolSet tools;

    AgentTool echo;
    echo.name = QStringLiteral("echo");
    echo.description = QStringLiteral("Returns the text it is given.");
    echo.inputSchema = objectSchema({{QStringLiteral("text"), typed("string", "Text to echo")}},
                                    {QStringLiteral("text")});
    echo.annotations.title = QStringLiteral("Echo");
    echo.execute = [](const QJsonObject &args, const CancellationToken &) {
        return ToolOutput::success(args.value(QLatin1String("text")).toString());
    };
    tools.add(echo);

    AgentTool add;
    add.name = QStringLiteral("add");
    add.description = QStringLiteral("Adds two numbers.");
    add.inputSchema = objectSchema({{QStringLiteral("a"), typed("number", "First addend")},
                                    {QStringLiteral("b"), typed("number", "Second addend")}},
                                   {QStringLiteral("a"), QStringLiteral("b")});
    add.annotations.title = QStringLiteral("Add");
    add.execute = [](const QJsonObject &args, const CancellationToken &) {
        const double sum
            = args.value(QLatin1String("a")).toDouble() + args.value(QLatin1String("b")).toDouble();
        return ToolOutput::success(QString::number(sum, 'g', 15));
    };
    tools.add(add);

    AgentTool stats;
    stats.name = QStringLiteral("stats");
    stats.description = QStringLiteral("Counts, sums and averages a list of numbers.");
    QJsonObject values = typed("array", "Numbers to summarise");
    values.insert(QStringLiteral("items"),
                  QJsonObject {{QStringLiteral("type"), QStringLiteral("number")}});
    values.insert(QStringLiteral("minItems"), 1);
    stats.inputSchema
        = objectSchema({{QStringLiteral("values"), values}}, {QStringLiteral("values")});
    stats.outputSchema
        = objectSchema({{QStringLiteral("count"), typed("integer", "How many")},
                        {QStringLiteral("sum"), typed("number", "Total")},
                        {QStringLiteral("mean"), typed("number", "Average")}},
                       {QStringLiteral("count"), QStringLiteral("sum"), QStringLiteral("mean")});
    stats.annotations.title = QStringLiteral("Statistics");
    stats.execute = [](const QJsonObject &args, const CancellationToken &) {
        const QJsonArray list = args.value(QLatin1String("values")).toArray();
        double sum = 0;
        for (const QJsonValue &v : list)
            sum += v.toDouble();
        const QJsonObject out {{QStringLiteral("count"), list.size()},
                               {QStringLiteral("sum"), sum},
                               {QStringLiteral("mean"), sum / list.size()}};
        return ToolOutput::success(QStringLiteral("count %1, sum %2, mean %3")
                                       .arg(list.size())
                                       .arg(sum)
                                       .arg(sum / list.size()),
                                   out);
    };
    tools.add(stats);

    AgentTool slow;
    slow.name = QStringLiteral("slow");
    slow.description
        = QStringLiteral("Waits the given number of milliseconds; stops early when cancelled.");
    QJsonObject ms = typed("integer", "How long to wait");
    ms.insert(QStringLiteral("minimum"), 0);
    ms.insert(QStringLiteral("maximum"), 600000);
    slow.inputSchema = objectSchema({{QStringLiteral("ms"), ms}}, {QStringLiteral("ms")});
    slow.annotations.title = QStringLiteral("Slow");
    slow.execute = [](const QJsonObject &args, const CancellationToken &cancel) {
        const int wanted = args.value(QLatin1String("ms")).toInt();
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < wanted) {
            if (cancel.isCancelled())
                return ToolOutput::failure(
                    QStringLiteral("cancelled after %1 ms").arg(timer.elapsed()));
            QThread::msleep(5);
        }
        return ToolOutput::success(QStringLiteral("waited %1 ms").arg(wanted));
    };
    tools.add(slow);

    AgentTool fail;
    fail.name = QStringLiteral("fail");
    fail.description = QStringLiteral("Always fails, with the given message.");
    fail.inputSchema
        = objectSchema({{QStringLiteral("message"), typed("string", "What to fail with")}}, {});
    fail.annotations.title = QStringLiteral("Fail");
    fail.execute = [](const QJsonObject &args, const CancellationToken &) {
        return ToolOutput::failure(
            args.value(QLatin1String("message")).toString(QStringLiteral("the tool failed")));
    };
    tools.add(fail);

    AgentTool huge;
    huge.name = QStringLiteral("huge");
    huge.description = QStringLiteral("Returns a text of the given length.");
    QJsonObject chars = typed("integer", "How many characters");
    chars.insert(QStringLiteral("minimum"), 0);
    chars.insert(QStringLiteral("maximum"), 50000000);
    huge.inputSchema = objectSchema({{QStringLiteral("chars"), chars}}, {QStringLiteral("chars")});
    huge.annotations.title = QStringLiteral("Huge output");
    huge.execute = [](const QJsonObject &args, const CancellationToken &) {
        return ToolOutput::success(
            QString(args.value(QLatin1String("chars")).toInt(), QLatin1Char('x')));
    };
    tools.add(huge);

    return tools;
}

} // namespace ktx
