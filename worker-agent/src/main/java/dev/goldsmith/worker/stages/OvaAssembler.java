package dev.goldsmith.worker.stages;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An OVA as OVF 1.0 wants it: a USTAR tar whose first member is the {@code .ovf} descriptor, then the
 * {@code .mf} manifest ({@code SHA256(file)= hex} lines), then the streamOptimized vmdk. Built in Java.
 */
public final class OvaAssembler {

    private OvaAssembler() {
    }

    public static void assemble(String name, Path vmdk, long capacityBytes, Path target) throws IOException {
        String disk = name + "-disk1.vmdk";
        byte[] ovf = descriptor(name, disk, Files.size(vmdk), capacityBytes).getBytes(StandardCharsets.UTF_8);
        String manifest = "SHA256(" + name + ".ovf)= " + sha256(new ByteArrayInputStream(ovf)) + "\n"
                + "SHA256(" + disk + ")= " + sha256(Files.newInputStream(vmdk)) + "\n";
        byte[] mf = manifest.getBytes(StandardCharsets.UTF_8);
        try (OutputStream file = Files.newOutputStream(target);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
            add(tar, name + ".ovf", ovf.length, new ByteArrayInputStream(ovf));
            add(tar, name + ".mf", mf.length, new ByteArrayInputStream(mf));
            try (InputStream in = Files.newInputStream(vmdk)) {
                add(tar, disk, Files.size(vmdk), in);
            }
            tar.finish();
        }
    }

    private static void add(TarArchiveOutputStream tar, String entryName, long size, InputStream content)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(entryName);
        entry.setSize(size);
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        content.transferTo(tar);
        tar.closeArchiveEntry();
    }

    static String descriptor(String name, String disk, long diskFileSize, long capacityBytes) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
                          xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
                          xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
                          xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
                  <References>
                    <File ovf:id="file1" ovf:href="%2$s" ovf:size="%3$d"/>
                  </References>
                  <DiskSection>
                    <Info>Virtual disks</Info>
                    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="%4$d" ovf:capacityAllocationUnits="byte"
                          ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
                  </DiskSection>
                  <NetworkSection>
                    <Info>Networks</Info>
                    <Network ovf:name="VM Network"><Description>The VM network</Description></Network>
                  </NetworkSection>
                  <VirtualSystem ovf:id="%1$s">
                    <Info>A golden image built by Goldsmith</Info>
                    <Name>%1$s</Name>
                    <OperatingSystemSection ovf:id="96">
                      <Info>Guest operating system</Info>
                      <Description>Debian GNU/Linux (64-bit)</Description>
                    </OperatingSystemSection>
                    <VirtualHardwareSection>
                      <Info>Virtual hardware: 2 vCPU, 2 GiB, EFI</Info>
                      <System>
                        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
                        <vssd:InstanceID>0</vssd:InstanceID>
                        <vssd:VirtualSystemIdentifier>%1$s</vssd:VirtualSystemIdentifier>
                        <vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType>
                      </System>
                      <Item>
                        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
                        <rasd:Description>Number of virtual CPUs</rasd:Description>
                        <rasd:ElementName>2 virtual CPUs</rasd:ElementName>
                        <rasd:InstanceID>1</rasd:InstanceID>
                        <rasd:ResourceType>3</rasd:ResourceType>
                        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
                      </Item>
                      <Item>
                        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
                        <rasd:Description>Memory size</rasd:Description>
                        <rasd:ElementName>2048 MB of memory</rasd:ElementName>
                        <rasd:InstanceID>2</rasd:InstanceID>
                        <rasd:ResourceType>4</rasd:ResourceType>
                        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
                      </Item>
                      <Item>
                        <rasd:Address>0</rasd:Address>
                        <rasd:Description>SCSI Controller</rasd:Description>
                        <rasd:ElementName>SCSI Controller 0</rasd:ElementName>
                        <rasd:InstanceID>3</rasd:InstanceID>
                        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
                        <rasd:ResourceType>6</rasd:ResourceType>
                      </Item>
                      <Item>
                        <rasd:AddressOnParent>0</rasd:AddressOnParent>
                        <rasd:ElementName>Hard Disk 1</rasd:ElementName>
                        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
                        <rasd:InstanceID>4</rasd:InstanceID>
                        <rasd:Parent>3</rasd:Parent>
                        <rasd:ResourceType>17</rasd:ResourceType>
                      </Item>
                      <Item>
                        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
                        <rasd:Connection>VM Network</rasd:Connection>
                        <rasd:ElementName>Ethernet 1</rasd:ElementName>
                        <rasd:InstanceID>5</rasd:InstanceID>
                        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
                        <rasd:ResourceType>10</rasd:ResourceType>
                      </Item>
                    </VirtualHardwareSection>
                  </VirtualSystem>
                </Envelope>
                """.formatted(name, disk, diskFileSize, capacityBytes);
    }

    static String sha256(InputStream in) throws IOException {
        try (DigestInputStream digest = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"))) {
            digest.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
