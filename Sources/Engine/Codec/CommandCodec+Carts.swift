// Payloads of the cart commands: configureCart (0x30), addCartItem (0x31),
// setCartItem (0x32), removeCartItem (0x33), clearCart (0x34), checkoutCart
// (0x35); the reference is also the payload of getCart (0x83).
extension CommandCodec {
    /// store, cartID, customerID?, holdStock (bool), holdTTLSeconds.
    static func encode(_ payload: ConfigureCart, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.cartID)
        writer.write(payload.customerID)
        writer.write(payload.holdStock)
        writer.write(payload.holdTTLSeconds)
    }

    static func decodeConfigureCart(from reader: inout BinaryReader) throws -> ConfigureCart {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let cartID = try readString(&reader, limit: Limits.cartIDMaxBytes)
        let customerID = try readOptionalString(&reader, limit: Limits.customerIDMaxBytes)
        let holdStock = try reader.readBool()
        let holdTTLSeconds = try reader.readInt64()
        return ConfigureCart(
            store: store, cartID: cartID, customerID: customerID, holdStock: holdStock, holdTTLSeconds: holdTTLSeconds)
    }

    /// store, cartID, sku, quantity, requestKey?.
    static func encode(_ payload: AddCartItem, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.cartID)
        writer.write(payload.sku)
        writer.write(payload.quantity)
        writer.write(payload.requestKey)
    }

    static func decodeAddCartItem(from reader: inout BinaryReader) throws -> AddCartItem {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let cartID = try readString(&reader, limit: Limits.cartIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        let quantity = try reader.readInt64()
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return AddCartItem(store: store, cartID: cartID, sku: sku, quantity: quantity, requestKey: requestKey)
    }

    /// store, cartID, sku, quantity.
    static func encode(_ payload: SetCartItem, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.cartID)
        writer.write(payload.sku)
        writer.write(payload.quantity)
    }

    static func decodeSetCartItem(from reader: inout BinaryReader) throws -> SetCartItem {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let cartID = try readString(&reader, limit: Limits.cartIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        let quantity = try reader.readInt64()
        return SetCartItem(store: store, cartID: cartID, sku: sku, quantity: quantity)
    }

    /// store, cartID, sku.
    static func encode(_ payload: RemoveCartItem, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.cartID)
        writer.write(payload.sku)
    }

    static func decodeRemoveCartItem(from reader: inout BinaryReader) throws -> RemoveCartItem {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let cartID = try readString(&reader, limit: Limits.cartIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        return RemoveCartItem(store: store, cartID: cartID, sku: sku)
    }

    /// store, cartID.
    static func encode(_ payload: CartReference, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.cartID)
    }

    static func decodeCartReference(from reader: inout BinaryReader) throws -> CartReference {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let cartID = try readString(&reader, limit: Limits.cartIDMaxBytes)
        return CartReference(store: store, cartID: cartID)
    }

    /// store, cartID, terms.
    static func encode(_ payload: CheckoutCart, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.cartID)
        encode(payload.terms, into: &writer)
    }

    static func decodeCheckoutCart(from reader: inout BinaryReader) throws -> CheckoutCart {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let cartID = try readString(&reader, limit: Limits.cartIDMaxBytes)
        let terms = try decodeOrderTerms(from: &reader)
        return CheckoutCart(store: store, cartID: cartID, terms: terms)
    }
}
