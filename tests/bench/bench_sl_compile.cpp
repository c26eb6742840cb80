// Compiling a semantic query over ~100 sources: a fan-trap query (two fact
// tables under one hub, grouped by a dimension two hops away) on a generated
// warehouse, beside parsing the same 100 YAML files as the reference measured
// in the same run. The original ktx takes about 1.5 s per compile (a Python
// subprocess and sqlglot); here the compile must be a small fraction of parsing.
#include "benchfigures.h"

#include "semantic/semanticengine.h"
#include "semantic/sourceloader.h"

#include <QCoreApplication>
#include <QString>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace ktx;

namespace {

// 10 hubs (accounts_N) with a region each; per hub 3 fact tables (orders_N,
// tickets_N, payments_N -> orders_N) and 5 one_to_one attribute tables: 101
// sources in all, one connected graph through a shared calendar.
QList<QPair<QString, QByteArray>> generate()
{
    QList<QPair<QString, QByteArray>> files;
    const auto add = [&files](const QString &name, const QString &body) {
        files.append({name + QStringLiteral(".yaml"), body.toUtf8()});
    };
    add(QStringLiteral("calendar"),
        QStringLiteral(
            "name: calendar\ntable: dw.calendar\ngrain: [day]\ncolumns:\n"
            "  - name: day\n    type: time\n  - name: fiscal_quarter\n    type: string\n"));
    for (int h = 0; h < 10; ++h) {
        const QString n = QString::number(h);
        add(QStringLiteral("regions_") + n,
            QStringLiteral(
                "name: regions_%1\ntable: dw.regions_%1\ngrain: [id]\ncolumns:\n  - name: id\n    "
                "type: number\n"
                "  - name: territory\n    type: string\n  - name: country\n    type: string\n")
                .arg(n));
        add(QStringLiteral("accounts_") + n,
            QStringLiteral("name: accounts_%1\ntable: dw.accounts_%1\ngrain: [id]\ncolumns:\n  - "
                           "name: id\n    type: number\n"
                           "  - name: region_id\n    type: number\n  - name: segment\n    type: "
                           "string\n  - name: created_on\n    type: time\n"
                           "joins:\n  - to: regions_%1\n    \"on\": region_id = regions_%1.id\n    "
                           "relationship: many_to_one\n"
                           "  - to: calendar\n    \"on\": created_on = calendar.day\n    "
                           "relationship: many_to_one\n"
                           "measures:\n  - name: account_count\n    expr: COUNT(*)\n")
                .arg(n));
        add(QStringLiteral("orders_") + n,
            QStringLiteral("name: orders_%1\ntable: dw.orders_%1\ngrain: [id]\ncolumns:\n  - name: "
                           "id\n    type: number\n"
                           "  - name: account_id\n    type: number\n  - name: amount\n    type: "
                           "number\n  - name: status\n    type: string\n"
                           "  - name: ordered_at\n    type: time\n    role: time\n"
                           "joins:\n  - to: accounts_%1\n    \"on\": account_id = accounts_%1.id\n "
                           "   relationship: many_to_one\n"
                           "measures:\n  - name: revenue\n    expr: SUM(amount)\n    filter: "
                           "status <> 'cancelled'\n"
                           "  - name: order_count\n    expr: COUNT(*)\n  - name: avg_order\n    "
                           "expr: revenue / order_count\n"
                           "segments:\n  - name: completed\n    expr: status = 'completed'\n")
                .arg(n));
        add(QStringLiteral("tickets_") + n,
            QStringLiteral(
                "name: tickets_%1\ntable: dw.tickets_%1\ngrain: [id]\ncolumns:\n  - name: id\n    "
                "type: number\n"
                "  - name: account_id\n    type: number\n  - name: priority\n    type: string\n"
                "joins:\n  - to: accounts_%1\n    \"on\": account_id = accounts_%1.id\n    "
                "relationship: many_to_one\n"
                "measures:\n  - name: ticket_count\n    expr: COUNT(*)\n")
                .arg(n));
        add(QStringLiteral("payments_") + n,
            QStringLiteral(
                "name: payments_%1\ntable: dw.payments_%1\ngrain: [id]\ncolumns:\n  - name: id\n   "
                " type: number\n"
                "  - name: order_id\n    type: number\n  - name: amount\n    type: number\n"
                "joins:\n  - to: orders_%1\n    \"on\": order_id = orders_%1.id\n    relationship: "
                "many_to_one\n"
                "measures:\n  - name: paid\n    expr: SUM(amount)\n")
                .arg(n));
        for (int d = 0; d < 5; ++d) {
            const QString dn = n + QLatin1Char('_') + QString::number(d);
            add(QStringLiteral("attr_") + dn,
                QStringLiteral(
                    "name: attr_%1\ntable: dw.attr_%1\ngrain: [account_id]\ncolumns:\n  - name: "
                    "account_id\n    type: number\n"
                    "  - name: label\n    type: string\n  - name: score\n    type: number\n"
                    "joins:\n  - to: accounts_%2\n    \"on\": account_id = accounts_%2.id\n    "
                    "relationship: one_to_one\n"
                    "measures:\n  - name: avg_score\n    expr: AVG(score)\n")
                    .arg(dn, n));
        }
    }
    return files;
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QList<QPair<QString, QByteArray>> files = generate();
    QList<SemanticSource> sources;
    for (const auto &[name, text] : files) {
        SourceLoader::Loaded l = SourceLoader::fromYaml(text, name);
        if (!l.source) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(name),
                         qPrintable(l.issues.first().toText()));
            return 1;
        }
        sources << *l.source;
    }
    SemanticQuery q;
    q.measures << QueryMeasure {QStringLiteral("orders_7.revenue"), {}, false}
               << QueryMeasure {QStringLiteral("payments_7.paid"), {}, false}
               << QueryMeasure {QStringLiteral("tickets_7.ticket_count"), {}, false};
    q.dimensions << QueryDimension {QStringLiteral("regions_7.territory"), {}}
                 << QueryDimension {QStringLiteral("accounts_7.created_on"),
                                    QStringLiteral("month")};
    q.filters << QStringLiteral("accounts_7.segment = 'enterprise'");
    const SemanticEngine warm(sources);
    const auto first = warm.compile(q, QStringLiteral("postgres"));
    if (!first.ok() || first->plan.measureGroups.size() != 3) {
        std::fprintf(stderr, "the fan-trap query did not plan three groups: %s\n",
                     qPrintable(first.ok() ? QStringLiteral("ok") : first.error().toText()));
        return 1;
    }

    std::vector<double> parse, compile, cold;
    const int rounds = 200;
    for (int r = 0; r < rounds; ++r) {
        parse.push_back(bench::timeMs([&] {
            int n = 0;
            for (const auto &[name, text] : files)
                n += SourceLoader::fromYaml(text, name).source ? 1 : 0;
            if (n != int(files.size()))
                std::abort();
        }));
        compile.push_back(bench::timeMs([&] {
            if (!warm.compile(q, QStringLiteral("postgres")).ok())
                std::abort();
        }));
        cold.push_back(bench::timeMs([&] {
            const SemanticEngine engine(sources);
            if (!engine.compile(q, QStringLiteral("postgres")).ok())
                std::abort();
        }));
    }
    std::printf("bench_sl_compile: %d sources, fan-trap query over 3 measure groups, %d rounds\n",
                int(sources.size()), rounds);
    const auto row = [](const char *name, const std::vector<double> &v) {
        std::printf("  %-46s p50 %8.3f ms   p99 %8.3f ms\n", name, percentile(v, 0.5),
                    percentile(v, 0.99));
    };
    row("parse the source YAML files (reference)", parse);
    row("compile (engine built once)", compile);
    row("compile incl. join graph build", cold);
    std::printf("  ratio compile / parse (p50):        %.3f\n",
                percentile(compile, 0.5) / percentile(parse, 0.5));
    std::printf("  ratio cold compile / parse (p50):   %.3f\n",
                percentile(cold, 0.5) / percentile(parse, 0.5));
    std::printf("  vs the original's ~1500 ms per compile: %.0fx faster (p50, cold)\n",
                1500.0 / percentile(cold, 0.5));
    return 0;
}
