// The Backend User fields the currentUser style may return, and the expression that reads each one.
// privateMetadata is deliberately absent: it is meant for the server only and must never reach a client.

export const USER_FIELDS: Record<string, string> = {
  id: "user.id",
  email: "user.primaryEmailAddress?.emailAddress ?? null",
  phone: "user.primaryPhoneNumber?.phoneNumber ?? null",
  firstName: "user.firstName",
  lastName: "user.lastName",
  fullName: "user.fullName",
  username: "user.username",
  imageUrl: "user.imageUrl",
  hasImage: "user.hasImage",
  externalId: "user.externalId",
  publicMetadata: "user.publicMetadata",
  createdAt: "user.createdAt",
  updatedAt: "user.updatedAt",
  lastSignInAt: "user.lastSignInAt",
  lastActiveAt: "user.lastActiveAt",
};

export const DEFAULT_USER_FIELDS = ["id", "email", "firstName", "lastName"];

/** Fields refused with an explanation rather than "unknown field". */
export const REFUSED_USER_FIELDS: Record<string, string> = {
  privateMetadata:
    "privateMetadata is for your server only (Clerk: it \"should not be exposed to the frontend\"); a Route Handler's JSON reaches the client.",
  unsafeMetadata: "unsafeMetadata can be written by the user from the browser; read it client-side with useUser() instead.",
  emailAddresses: "the full emailAddresses list carries verification and linking details; use \"email\" for the primary address.",
  phoneNumbers: "the full phoneNumbers list carries verification details; use \"phone\" for the primary number.",
  externalAccounts: "externalAccounts carries OAuth account details; pick the fields you need in code instead.",
};
