"""Context word lists shared by several recognizers (lower-case, ko/zh/en)."""

from __future__ import annotations

# Words that label a number as something other than personal data.
ORDER_WORDS: tuple[str, ...] = (
    "주문번호",
    "주문 번호",
    "송장",
    "운송장",
    "배송조회",
    "상품번호",
    "모델명",
    "일련번호",
    "order",
    "tracking",
    "invoice",
    "waybill",
    "transaction",
    "txn",
    "serial",
    "s/n",
    "sku",
    "isbn",
    "ticket",
    "build",
    "version",
    "ref no",
    "reference",
    "timestamp",
    "ts_ms",
    "epoch",
    "time_ms",
    "created_at",
    "updated_at",
    "订单号",
    "订单编号",
    "运单号",
    "快递单号",
    "单号",
    "流水号",
    "交易号",
    "编号",
    "序列号",
    "型号",
)

# Amounts look like bare account numbers: a label for money before the digits, or a
# currency unit right after them, says they are not one ("잔액 35000000원").
AMOUNT_WORDS: tuple[str, ...] = (
    "금액", "잔액", "총액", "amount", "balance", "金额", "余额", "总额",
)  # fmt: skip
CURRENCY_AFTER = "원元円圆"
