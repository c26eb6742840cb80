// SemanticChangeSummary: what a change to a source file or a wiki page means,
// from the parsed versions on both sides (real SourceLoader and WikiPage).
#include "review/semanticchangesummary.h"

#include <QTest>

using namespace ktx;

namespace {

const QByteArray Orders = R"(name: orders
table: public.orders
grain: [id]
description: One row per order.
columns:
  - name: id
    type: number
  - name: customer_id
    type: number
  - name: amount
    type: number
  - name: placed_at
    type: time
    role: time
joins:
  - to: customers
    on: orders.customer_id = customers.id
    relationship: one_to_one
measures:
  - name: revenue
    expr: sum(amount)
segments:
  - name: big
    expr: amount > 100
)";

QByteArray edited(QByteArray text, const QByteArray &from, const QByteArray &to)
{
    Q_ASSERT(text.contains(from));
    return text.replace(from, to);
}

const QByteArray Page = R"(---
summary: How an order moves from placed to delivered.
tags: [orders]
refs: [shipping]
sl_refs: [orders]
---

# Order lifecycle
)";

} // namespace

class TestSemanticChangeSummary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describe_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("before"); // "-" : absent
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QStringList>("expected");
        const QString src = QStringLiteral("semantic-layer/wh/orders.yaml");
        const QString page = QStringLiteral("wiki/global/order-lifecycle.md");

        QTest::newRow("unchanged meaning, reformatted")
            << src << Orders << edited(Orders, "grain: [id]", "grain:\n  - id") << QStringList();
        QTest::newRow("source added")
            << src << QByteArray("-") << Orders
            << QStringList {"source `orders` added (`public.orders`, 4 column(s), 1 measure(s), 1 "
                            "join(s))"};
        QTest::newRow("source removed")
            << src << Orders << QByteArray("-") << QStringList {"source `orders` removed"};
        QTest::newRow("measure added")
            << src << Orders
            << edited(Orders, "measures:\n",
                      "measures:\n  - name: net_revenue\n    expr: sum(amount) - sum(0)\n")
            << QStringList {"measure `net_revenue` added to source `orders` (`sum(amount) - "
                            "sum(0)`)"};
        QTest::newRow("measure expr and filter changed")
            << src << Orders
            << edited(Orders, "    expr: sum(amount)\n",
                      "    expr: sum(amount * 100)\n    filter: amount > 0\n")
            << QStringList {"measure orders.revenue expr changed from `sum(amount)` to "
                            "`sum(amount * 100)`",
                            "measure orders.revenue filter set to `amount > 0`"};
        QTest::newRow("measure removed")
            << src << Orders
            << edited(Orders, "measures:\n  - name: revenue\n    expr: sum(amount)\n",
                      "measures: []\n")
            << QStringList {"measure `revenue` removed from source `orders`"};
        QTest::newRow("join relationship changed")
            << src << Orders << edited(Orders, "one_to_one", "many_to_one")
            << QStringList {"join `orders → customers` changed to many_to_one"};
        QTest::newRow("join added and removed")
            << src << Orders
            << edited(Orders,
                      "- to: customers\n    on: orders.customer_id = "
                      "customers.id",
                      "- to: stores\n    on: orders.customer_id = stores.id")
            << QStringList {"join `orders → stores` added (one_to_one on `orders.customer_id = "
                            "stores.id`)",
                            "join `orders → customers` removed"};
        QTest::newRow("grain changed")
            << src << Orders << edited(Orders, "grain: [id]", "grain: [id, placed_at]")
            << QStringList {"source `orders` grain changed from [id] to [id, placed_at]"};
        QTest::newRow("column description and type")
            << src << Orders
            << edited(Orders, "  - name: amount\n    type: number\n",
                      "  - name: amount\n    type: string\n    descriptions:\n      ai: Paid.\n")
            << QStringList {"column orders.amount type changed from `number` to `string`",
                            "column orders.amount: ai description added"};
        QTest::newRow("column added, source description")
            << src << Orders
            << edited(edited(Orders, "description: One row per order.",
                             "descriptions:\n  ai: Orders placed."),
                      "columns:\n", "columns:\n  - name: status\n    type: string\n")
            << QStringList {"source `orders`: ai description added",
                            "column `status` added to source `orders`"};
        QTest::newRow("segment changed")
            << src << Orders << edited(Orders, "amount > 100", "amount > 1000")
            << QStringList {"segment orders.big expr changed from `amount > 100` to `amount > "
                            "1000`"};
        QTest::newRow("no longer parses")
            << src << Orders << edited(Orders, "grain: [id]", "grain: [id]\nbogus_key: 1")
            << QStringList {"orders.yaml no longer parses as a source: FILL"};
        QTest::newRow("page added")
            << page << QByteArray("-") << Page
            << QStringList {"page `order-lifecycle` added: How an order moves from placed to "
                            "delivered.",
                            "page tag `orders` added", "page ref `shipping` added",
                            "page sl_ref `orders` added"};
        QTest::newRow("page summary, tags, refs")
            << page << Page
            << edited(edited(edited(Page, "placed to delivered", "placed to paid"),
                             "[orders]\nrefs", "[finance]\nrefs"),
                      "refs: [shipping]", "refs: [shipping, returns]")
            << QStringList {"page summary changed from `How an order moves from placed to "
                            "delivered.` to `How an order moves from placed to paid.`",
                            "page tag `finance` added", "page tag `orders` removed",
                            "page ref `returns` added"};
        QTest::newRow("page body")
            << page << Page << QByteArray(Page + "\nMore.\n") << QStringList {"page body changed"};
        QTest::newRow("other files say nothing")
            << QStringLiteral("raw-sources/wh/x.json") << QByteArray("{}") << QByteArray("[]")
            << QStringList();
    }

    void describe()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QStringList, expected);
        const auto side = [](const QByteArray &b) {
            return b == "-" ? std::nullopt : std::optional<QByteArray>(b);
        };
        const QStringList got = SemanticChangeSummary::describe(path, side(before), side(after));
        if (expected.size() == 1 && expected.first().endsWith(QLatin1String("FILL"))) {
            QCOMPARE(got.size(), 1);
            QVERIFY2(got.first().startsWith(expected.first().chopped(4)), qPrintable(got.first()));
            QVERIFY2(got.first().contains(QLatin1String("bogus_key")), qPrintable(got.first()));
            return;
        }
        QCOMPARE(got, expected);
    }
};

QTEST_GUILESS_MAIN(TestSemanticChangeSummary)
#include "tst_semanticchangesummary.moc"
