import type { TLanguage } from "@cs/contracts";

/** SMS texts of fulfilment and pickup; each fits one 160-character GSM segment. */
const TEXTS = {
  order_cancelled: {
    en: "ConnectSphere: the supplier cannot deliver group {group}. The group is cancelled and your money is being refunded.",
    sn: "ConnectSphere: mutengesi haakwanisi kuunza zveboka {group}. Boka rakamiswa, mari yako iri kudzoserwa.",
    nd: "ConnectSphere: umthengisi kangeke alethe okweqembu {group}. Iqembu limisiwe, imali yakho iyabuyiselwa.",
  },
  short_delivery: {
    en: "ConnectSphere: fewer goods than ordered reached {point} for group {group}. We are sorting it out and will send your code soon.",
    sn: "ConnectSphere: zvinhu zveboka {group} zvasvika ku{point} zvishoma pane zvakaodhwa. Tiri kuzvigadzirisa, tichakutumira kodhi yako.",
    nd: "ConnectSphere: izimpahla zeqembu {group} ezifike e{point} zincane kulokho okwa-odwa. Siyakulungisa, sizakuthumela ikhodi yakho.",
  },
  pickup_code: {
    en: "ConnectSphere: your {group} goods are ready at {point}. Pickup code {code}, valid until {date}. Never share it.",
    sn: "ConnectSphere: zvinhu zvako zve{group} zvagadzirira ku{point}. Kodhi yekutora {code}, inoshanda kusvika {date}. Usaipe mumwe.",
    nd: "ConnectSphere: izimpahla zakho ze{group} zilungile e{point}. Ikhodi yokuthatha {code}, isebenza kuze kube {date}. Ungayiniki muntu.",
  },
} as const;

export type FulfilmentText = keyof typeof TEXTS;

export function fulfilmentMessage(
  text: FulfilmentText,
  language: TLanguage,
  values: Record<string, string>,
): string {
  return Object.entries(values).reduce(
    (message, [key, value]) => message.replaceAll(`{${key}}`, value),
    TEXTS[text][language] as string,
  );
}

/** For the test that every text fits one SMS segment. */
export const FULFILMENT_TEXTS = TEXTS;

/** English only: supplier teams work in English on the platform today. */
export function newOrderMessage(groupCode: string, quantity: number, unit: string, hours: number) {
  return `ConnectSphere: new order ${groupCode}: ${quantity} x ${unit}. Accept or reject within ${hours} h in the app, or the group is refunded.`;
}
