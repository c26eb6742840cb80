// ReadOnlySqlGuard on large and pathological inputs: time per KB at growing
// sizes (linear time means a flat us/KB column), against a reference measured
// in the same run: one plain pass over the same text (QString::toLower), the
// least any lexer must do.
#include "benchfigures.h"
#include "db/readonlysqlguard.h"

#include <QCoreApplication>
#include <QString>

#include <cstdio>
#include <vector>

using namespace ktx;
using namespace ktx::bench;

namespace {

QString analyticsQuery(int bytes)
{
    const QString chunk
        = QStringLiteral(" UNION ALL SELECT o.order_id, 'drop table; -- not a comment' AS note, /* "
                         "delete */ c.\"update\", "
                         "CAST(o.amount AS numeric) * 1.1 FROM orders o JOIN customers c ON "
                         "c.customer_id = o.customer_id "
                         "WHERE o.status IN ('completed', 'shipped') AND o.amount > 0\n");
    QString sql = QStringLiteral("SELECT 0 AS order_id, '' AS note, '' AS u, 0 AS amount");
    while (sql.size() < bytes)
        sql += chunk;
    return sql;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(3, atoi(argv[1])) : 7;
    std::printf("ReadOnlySqlGuard::check on analytics SQL of growing size (%d rounds)\n", rounds);
    for (const char *driver : {"sqlite", "postgres", "mysql"}) {
        std::printf(" driver %s\n", driver);
        for (const int kb : {100, 200, 400, 800}) {
            const QString sql = analyticsQuery(kb * 1024);
            std::vector<double> guard, reference;
            for (int i = 0; i < rounds; ++i) {
                guard.push_back(timeMs([&] {
                    if (!ReadOnlySqlGuard::check(sql, QString::fromLatin1(driver)).ok())
                        std::exit(1);
                }));
                reference.push_back(timeMs([&] {
                    volatile qsizetype n = sql.toLower().size();
                    (void)n;
                }));
            }
            const Figures g = summarize(guard), r = summarize(reference);
            std::printf("  %4d KB  guard median %8.2f ms (%6.1f us/KB)   reference median %6.2f ms "
                        "  ratio %5.1fx\n",
                        kb, g.median, g.median * 1000 / kb, r.median, g.median / r.median);
        }
    }

    std::printf("pathological inputs (50,000 repetitions each)\n");
    const qsizetype n = 50'000;
    const struct
    {
        const char *name;
        const char *driver;
        QString sql;
    } cases[] = {
        {"deep parentheses", "postgres",
         QStringLiteral("SELECT ") + QString(n, u'(') + u'1' + QString(n, u')')},
        {"nested comments", "postgres",
         QStringLiteral("SELECT 1 ") + QStringLiteral("/*").repeated(n)
             + QStringLiteral("*/").repeated(n)},
        {"many dollar signs", "postgres",
         QStringLiteral("SELECT ") + QStringLiteral("$a ").repeated(n)},
        {"string continuations", "postgres",
         QStringLiteral("SELECT E'x'") + QStringLiteral("\n-- c\n'y'").repeated(n)},
        {"backslashes", "mysql", QStringLiteral("SELECT '") + QString(2 * n, u'\\') + u'\''},
        {"keywords in a comment", "postgres",
         QStringLiteral("SELECT 1 -- ") + QStringLiteral("DELETE ").repeated(n)},
    };
    for (const auto &c : cases) {
        std::vector<double> times;
        for (int i = 0; i < rounds; ++i)
            times.push_back(timeMs(
                [&] { (void)ReadOnlySqlGuard::check(c.sql, QString::fromLatin1(c.driver)); }));
        const Figures f = summarize(times);
        std::printf("  %-24s %7.0f KB   median %8.2f ms\n", c.name, c.sql.size() * 2 / 1024.0,
                    f.median);
    }
    return 0;
}
