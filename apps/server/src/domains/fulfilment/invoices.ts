import {
  counters,
  type DbOrTx,
  groups,
  type InvoiceSnapshot,
  invoices,
  participations,
  supplierOrders,
  suppliers,
} from "@cs/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import PDFDocument from "pdfkit";
import type { AppContext } from "../../platform/context.ts";
import { newId } from "../../platform/ids.ts";
import { settledUnitPrice } from "../groups/fulfilment-states.ts";
import { invoiceNumber } from "./presenter.ts";

/**
 * The next number of a gap-free series. The counter row is locked by the update until the
 * caller's transaction ends: a rolled-back invoice gives its number back, and two invoices
 * issued at once are numbered one after the other (a database sequence would leave gaps).
 */
async function nextNumber(tx: DbOrTx, series: string): Promise<number> {
  const [row] = await tx
    .insert(counters)
    .values({ name: series, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  return row?.value as number;
}

/** VAT included in a VAT-inclusive amount, rounded half up to the minor unit. */
export function includedVat(gross: number, rateBps: number): number {
  return Math.floor((gross * rateBps * 2 + (10_000 + rateBps)) / (2 * (10_000 + rateBps)));
}

/**
 * Issues the invoice of a completed order in the caller's transaction, freezing its figures:
 * one line per unit price of the shares actually sold, the commission, the VAT the prices
 * include, and what the supplier is owed. Issuing twice returns the first invoice's id.
 */
export async function issueInvoice(tx: DbOrTx, ctx: AppContext, orderId: string): Promise<string> {
  const [existing] = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(eq(invoices.orderId, orderId));
  if (existing) {
    return existing.id;
  }
  const [row] = await tx
    .select({ order: supplierOrders, group: groups, supplier: suppliers })
    .from(supplierOrders)
    .innerJoin(groups, eq(groups.id, supplierOrders.groupId))
    .innerJoin(suppliers, eq(suppliers.id, supplierOrders.supplierId))
    .where(eq(supplierOrders.id, orderId));
  if (!row) {
    throw new Error(`no order ${orderId}`);
  }
  const { order, group, supplier } = row;
  const sold = await tx
    .select()
    .from(participations)
    .where(
      and(
        eq(participations.groupId, group.id),
        inArray(participations.status, ["collected", "ready_for_pickup", "paid"]),
      ),
    );
  const byPrice = new Map<number, number>();
  for (const share of sold) {
    const price = settledUnitPrice(share, group);
    byPrice.set(price, (byPrice.get(price) ?? 0) + share.quantity);
  }
  const product = group.display.product;
  const lines = [...byPrice]
    .sort(([a], [b]) => b - a)
    .map(([unitPrice, quantity]) => ({
      description: `${product.name} (${product.unit}), group ${group.code}`,
      quantity,
      unitPrice,
      amount: quantity * unitPrice,
    }));
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const snapshot: InvoiceSnapshot = {
    seller: {
      name: supplier.businessName,
      address: supplier.address,
      phone: supplier.contactPhone,
      email: supplier.contactEmail,
    },
    platform: { name: "ConnectSphere" },
    buyer: {
      name: `ConnectSphere group buy ${group.code}`,
      note: `${sold.length} traders, collected at the pickup points`,
    },
    lines,
    subtotal,
    commission: order.commission,
    commissionBps: ctx.config.commissionBps,
    vatRateBps: ctx.config.vatRateBps,
    vat: includedVat(subtotal, ctx.config.vatRateBps),
    total: subtotal,
    netToSupplier: subtotal - order.commission,
    groupCode: group.code,
    orderId: order.id,
  };
  const id = newId();
  await tx.insert(invoices).values({
    id,
    orderId,
    number: await nextNumber(tx, "invoice"),
    currency: order.currency,
    total: subtotal,
    snapshot,
  });
  return id;
}

/** Minor units as people read them: `USD 1,234.50`. Integer arithmetic only. */
export function formatMoney(amount: number, currency: string): string {
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${currency} ${whole}.${String(abs % 100).padStart(2, "0")}`;
}

const percent = (bps: number) => `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, "0")}%`;

/** The invoice as a PDF (A4, the standard Helvetica fonts; nothing loaded from outside). */
export function renderInvoicePdf(invoice: {
  number: number;
  issuedAt: Date;
  currency: string;
  snapshot: InvoiceSnapshot;
}): Promise<Buffer> {
  const { snapshot: s, currency } = invoice;
  const money = (amount: number) => formatMoney(amount, currency);
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: `Invoice ${invoiceNumber(invoice.number)}` },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.font("Helvetica-Bold").fontSize(20).text("Tax invoice", { align: "right" });
  doc.font("Helvetica").fontSize(10);
  doc.text(`Invoice ${invoiceNumber(invoice.number)}`, { align: "right" });
  doc.text(`Issued ${invoice.issuedAt.toISOString().slice(0, 10)}`, { align: "right" });
  doc.text(`Order ${s.orderId}`, { align: "right" });
  doc.moveDown();
  doc.font("Helvetica-Bold").text("Supplier");
  doc.font("Helvetica").text(s.seller.name).text(s.seller.address).text(s.seller.phone);
  if (s.seller.email) {
    doc.text(s.seller.email);
  }
  doc.moveDown();
  doc.font("Helvetica-Bold").text("Sold to");
  doc.font("Helvetica").text(s.buyer.name).text(s.buyer.note);
  doc.text(`Through ${s.platform.name}, which collected the payments`);
  doc.moveDown();

  const columns = [50, 300, 370, 460];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica");
    cells.forEach((cell, index) => {
      const x = columns[index] as number;
      const width = index === 0 ? 240 : 85;
      doc.text(cell, x, y, { width, align: index === 0 ? "left" : "right" });
    });
    doc.moveDown(0.4);
  };
  row(["Description", "Quantity", "Unit price", "Amount"], true);
  for (const line of s.lines) {
    row([line.description, String(line.quantity), money(line.unitPrice), money(line.amount)]);
  }
  doc.moveDown();
  row(["Total (prices include VAT)", "", "", money(s.total)], true);
  row([`of which VAT at ${percent(s.vatRateBps)}`, "", "", money(s.vat)]);
  row([
    `ConnectSphere commission (${percent(s.commissionBps)}), deducted`,
    "",
    "",
    money(-s.commission),
  ]);
  row(["Payable to the supplier", "", "", money(s.netToSupplier)], true);
  doc.moveDown(2);
  doc
    .font("Helvetica")
    .fontSize(8)
    .text(
      `All amounts in ${currency}. Numbered in one series without gaps. Generated by ConnectSphere.`,
      50,
      doc.y,
    );
  doc.end();
  return done;
}
