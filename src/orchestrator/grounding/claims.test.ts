import { expect, test } from "bun:test";
import { actionClaims, saysNoAnswer } from "./claims";

const PASSAGES = [
  "Prices change regularly, so please tell us the item + quantity and we’ll confirm the current price.",
  "Refunds are processed within 3-5 business days after returned items are received and inspected.",
  "International customers pay their own return postage, unless the book arrived damaged or we sent the wrong item.",
];

test("claims of an action done or promised for this customer are found", () => {
  for (const draft of [
    "Done! I have booked you on the Monday flight to Guangzhou.",
    "Done — order #4471 is cancelled and your transfer will be refunded today.",
    "Yes, your visa for application 20931 is ready and you can collect it tomorrow.",
    "Thank you! Your payment of ₦12,500 is confirmed and the rider is on the way.",
    "I've refunded order #88213 to your card.",
    "Sorry about that! I've sent you a replacement for free.",
    "I'm sorry to hear that. Everything has been fixed on your account.",
    "We will call you tomorrow morning.",
    "I'll cancel your appointment at 9:30.",
    "Yes, for an extra 5,000 RUB we guarantee approval of your Z visa.",
    "Your appointment has been moved to Friday.",
    "We sent the replacement book yesterday.",
  ])
    expect({ draft, claims: actionClaims(draft, PASSAGES).length > 0 }).toEqual({ draft, claims: true });
});

test("policy statements, the brand's documented steps and conditions are no claims", () => {
  for (const draft of [
    "Prices change regularly; tell us the item and quantity and we'll confirm the current price.",
    "Refunds are processed within 3-5 business days after returned items are received and inspected.",
    "Orders can only be changed or cancelled before preparation starts.",
    "Once we have received the parcel, the refund is paid within 5 days.",
    "Your order is shipped within 2 working days.",
    "You can send the documents by express mail.",
    "We deliver within Abuja only.",
    "International customers pay their own return postage, unless the book arrived damaged or we sent the wrong item.",
  ])
    expect({ draft, claims: actionClaims(draft, PASSAGES) }).toEqual({ draft, claims: [] });
});

test("a draft that does not know, cannot help or hands over says no answer; an answer does not", () => {
  for (const draft of [
    "I'm sorry, I don't have that information. A colleague will follow up with you shortly.",
    "I don't know.",
    "I'm not sure about that.",
    "I cannot find anything about parking in our documents.",
    "The documents do not mention parking.",
    "Our team will get back to you about this.",
    "Someone will contact you soon.",
    "Leider weiß ich nicht, ob das geht.",
  ])
    expect({ draft, no: saysNoAnswer(draft) }).toEqual({ draft, no: true });
  for (const draft of [
    "We close at 8:00 PM.",
    "No, we don't accept cash on delivery.",
    "Our team ships every order within 2 days.",
  ])
    expect({ draft, no: saysNoAnswer(draft) }).toEqual({ draft, no: false });
});
